"""CNIL imports: PIAs (`pia`), structures (`structure`), and what they share (`common`)."""
