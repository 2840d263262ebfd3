"""Publication pages: staff pages under /assessments, and the public register."""
