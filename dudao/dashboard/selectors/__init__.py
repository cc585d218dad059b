"""Reads of the top layer: home pages (home), to-do lists (todos), the cockpit (cockpit) and its map (maps)."""
