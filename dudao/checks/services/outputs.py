"""outputs writes (issue 23)."""
