"""Pure rules: no Flask, no database session. Everything here is testable with plain values."""
