"""Announcements, public notices (公示) and objections (M-62)."""

from ninja import Router

router = Router(tags=["公告与公示"])
