"""Writes of reviews: committee (issue 21). Keyword-only services, atomic, audited."""
