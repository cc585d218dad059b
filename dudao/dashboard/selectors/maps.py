"""The cockpit map: schools as points coloured by a registered map layer, towns shaded (area: map)."""
