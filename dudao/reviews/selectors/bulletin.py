"""Reads of reviews: bulletin (issue 21), scoped through visible_to(user)."""
