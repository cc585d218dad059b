"""rounds writes (issue 23)."""
