"""rounds reads (issue 23)."""
