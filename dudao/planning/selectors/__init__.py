"""Reads of planning, one module per area (plans, calendar, meetings, chronicle, briefings, summary, archive), each
scoped to the user: office staff and leaders of the region; schools only their calendar."""
