"""requests views (issue 23)."""
