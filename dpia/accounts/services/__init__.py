"""Account services, one module per concern: passwords, users and teams, signing in, sessions."""
