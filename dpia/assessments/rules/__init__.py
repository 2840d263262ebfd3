"""Pure assessment rules: answers, progress, risk ratings and the revision diff."""
