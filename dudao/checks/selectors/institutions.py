"""institutions reads (issue 23)."""
