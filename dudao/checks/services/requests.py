"""requests writes (issue 23)."""
