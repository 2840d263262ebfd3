"""Use cases on assessments. Each takes `actor` and `now`, flushes, and never commits."""
