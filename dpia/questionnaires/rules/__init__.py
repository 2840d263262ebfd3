"""Pure questionnaire rules: the definition types, the first-class row kinds, the schema and diffs."""
