"""outputs reads (issue 23)."""
