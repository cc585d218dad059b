"""Reads of workforce, one module per area (training, appointments, allowances)."""
