"""The notices world: a Luoyang department (competent and recommending), a Henan one, the
clock pinned to a Beijing day that a test may move (``at``), and a captcha whose answer the
test knows (``captcha_answer``: the image is drawn from a known answer; the check is the
production one)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.api.conftest import token_for  # noqa: F401
from tests.experts.fixtures import (  # noqa: F401
    _fast_passwords,
    henan_staff,
    login,
    luoyang_staff,
    make_review_proposal,
)

START = date(2026, 3, 2)


@pytest.fixture
def at(monkeypatch) -> Any:
    """``at(day, hour=10)`` pins the business clock to that Beijing moment."""
    from lianmeng.core import clock

    def pin(day: date, hour: int = 10) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=clock.BEIJING)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    pin(START)
    return pin


@pytest.fixture
def captcha_answer(monkeypatch) -> str:
    """Every captcha image of the test is drawn from this answer."""
    from lianmeng.notices import captcha

    monkeypatch.setattr(captcha, "random_answer", lambda: "K7P3M")
    return "K7P3M"


@pytest.fixture
def make_notice(luoyang_staff) -> Any:  # noqa: F811
    """A published announcement of Luoyang, by default a 公示 from START for 7 days."""
    from datetime import timedelta

    from lianmeng.notices import services

    def make(
        *,
        actor: Any = None,
        kind: str = "decision",
        title: str = "关于拟认定洛阳市轴承产业技术创新战略联盟的公示",
        starts: date | None = START,
        days: int = 7,
        publish: bool = True,
        subjects: Any = (),
    ) -> Any:
        actor = actor or luoyang_staff
        row = services.announcement_create(
            actor=actor,
            kind=kind,
            title=title,
            body="经专家评审，拟认定以下联盟。",
            notice_starts_on=starts,
            notice_ends_on=starts + timedelta(days=days - 1) if starts else None,
            subjects=subjects,
        )
        if publish:
            row = services.announcement_publish(actor=actor, announcement_id=row.pk)
        return row

    return make
