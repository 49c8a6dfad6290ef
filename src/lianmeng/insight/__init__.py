"""Dashboards, member overlap and industrial-chain coverage (M-60)."""
