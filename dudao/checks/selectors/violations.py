"""violations reads (issue 23)."""
