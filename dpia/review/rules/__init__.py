"""Pure review rules: revision states and transitions, and the sign-off kinds."""
