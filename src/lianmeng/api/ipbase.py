"""Patent pool and industrial technology standards base (M-61, seed 000 四(一)4)."""

from ninja import Router

router = Router(tags=["专利池与标准信息库"])
