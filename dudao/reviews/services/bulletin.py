"""Writes of reviews: bulletin (issue 21). Keyword-only services, atomic, audited."""
