"""violations writes (issue 23)."""
