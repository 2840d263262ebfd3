"""The signed-in home page and the header every signed-in page shares."""
