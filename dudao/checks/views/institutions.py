"""institutions views (issue 23)."""
