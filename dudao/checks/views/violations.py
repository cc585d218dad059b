"""violations views (issue 23)."""
