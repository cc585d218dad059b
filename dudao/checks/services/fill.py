"""fill writes (issue 23)."""
