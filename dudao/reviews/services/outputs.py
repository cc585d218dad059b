"""Writes of reviews: outputs (issue 21). Keyword-only services, atomic, audited."""
