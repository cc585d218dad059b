"""rounds views (issue 23)."""
