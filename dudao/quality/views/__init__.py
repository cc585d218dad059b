"""Pages of the quality app, one module per area (rounds, scores, results, reports, external)."""
