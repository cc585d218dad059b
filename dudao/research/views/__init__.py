"""Pages of research, one module per area (calls, projects)."""
