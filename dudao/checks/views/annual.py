"""annual views (issue 23)."""
