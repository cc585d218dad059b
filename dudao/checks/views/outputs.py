"""outputs views (issue 23)."""
