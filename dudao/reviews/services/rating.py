"""Writes of reviews: rating (issue 21). Keyword-only services, atomic, audited."""
