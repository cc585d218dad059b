"""Writes of area allowances: 兼职督学劳务补贴. Keyword-only, atomic, audited."""
