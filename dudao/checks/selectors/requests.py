"""requests reads (issue 23)."""
