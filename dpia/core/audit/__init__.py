"""The tamper-evident audit log: every change appends a row to a hash chain."""
