"""Writes of reviews: upward (issue 21). Keyword-only services, atomic, audited."""
