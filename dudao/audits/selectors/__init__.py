"""Reads of audits, one module per area (cases)."""
