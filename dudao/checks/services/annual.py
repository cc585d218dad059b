"""annual writes (issue 23)."""
