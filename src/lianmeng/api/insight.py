"""Dashboards, member overlap and industrial-chain coverage (M-60)."""

from ninja import Router

router = Router(tags=["数据驾驶舱"])
