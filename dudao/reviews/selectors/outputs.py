"""Reads of reviews: outputs (issue 21), scoped through visible_to(user)."""
