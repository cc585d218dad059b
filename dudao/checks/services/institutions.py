"""institutions writes (issue 23)."""
