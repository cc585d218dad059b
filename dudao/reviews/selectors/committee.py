"""Reads of reviews: committee (issue 21), scoped through visible_to(user)."""
