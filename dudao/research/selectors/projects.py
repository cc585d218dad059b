"""Reads of area projects: 课题：成员、开题、中期、结题. Scoped through visible_to(user)."""
