"""Key projects solicited through the alliances (seed 000 六(二))."""

from ninja import Router

router = Router(tags=["重大项目征集"])
