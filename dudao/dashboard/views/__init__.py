"""Views of the top layer, one module per area: profiles (school/unit pages), home (工作台), cockpit (驾驶舱), map."""
