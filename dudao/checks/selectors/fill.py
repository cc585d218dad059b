"""fill reads (issue 23)."""
