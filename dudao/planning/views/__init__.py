"""Views of planning, one module per area."""
