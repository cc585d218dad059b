"""Reads of area appointments: 督学聘任、公示、聘书与督学证、公开验证. Scoped through visible_to(user)."""
