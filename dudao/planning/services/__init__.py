"""Writes of planning, one module per area (plans, outline, meetings, chronicle, briefings, summary, archive)."""
