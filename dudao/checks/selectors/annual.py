"""annual reads (issue 23)."""
