"""Policy what-if: the current alliances and pending proposals under a draft profile (B-6)."""

from ninja import Router

router = Router(tags=["政策推演"])
