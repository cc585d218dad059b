"""The leader's cockpit (驾驶舱): every registered section's metrics for a region and a year (area: cockpit)."""
