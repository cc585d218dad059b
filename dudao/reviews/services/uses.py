"""Writes of reviews: uses (issue 21). Keyword-only services, atomic, audited."""
