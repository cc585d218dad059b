"""Reads of area allowances: 兼职督学劳务补贴. Scoped through visible_to(user)."""
