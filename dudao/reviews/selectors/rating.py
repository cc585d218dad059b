"""Reads of reviews: rating (issue 21), scoped through visible_to(user)."""
