"""Reads of reviews: uses (issue 21), scoped through visible_to(user)."""
