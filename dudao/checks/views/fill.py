"""fill views (issue 23)."""
