"""Reads of reviews: upward (issue 21), scoped through visible_to(user)."""
