"""Shared fixtures: jurisdictions come from the migration; units and users are made here."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import pytest
from stdnum.cn import uscc as stdnum_uscc

_serial = itertools.count(1)
PASSWORD = "Lianmeng-Test-2026"


def pytest_configure(config):
    """Two settings that only make the suite faster (Django's own advice for tests):

    - a fast password hasher: every demo load and many fixtures set passwords, and PBKDF2's
      deliberate cost (about 0.2 s each on this machine) is not what any test checks;
    - WhiteNoise looks static files up when asked instead of listing every package's files
      each time a test client starts (about 16 ms for each of thousands of clients).

    The product's own settings (lianmeng.config.settings) are unchanged; the app servers the
    deployment tests start use them."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    settings.WHITENOISE_AUTOREFRESH = True


def make_uscc(region: str, serial: int | None = None) -> str:
    """A valid USCC registered in `region` (GB/T 2260), with a correct check digit."""
    n = next(_serial) if serial is None else serial
    body = (
        f"91{region}{n:08d}"  # 9: industry & commerce, 1: enterprise; 8 digits + check of org code
    )
    org = body[8:16]
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    org_check = {10: "X", 11: "0"}.get(check, str(check))
    body = body + org_check
    return body + stdnum_uscc.calc_check_digit(body)


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Background jobs (lianmeng.jobs, issue 17) run in the test's own thread, right after
    the commit as the code sees it; tests of the queue itself choose another mode."""
    settings.LIANMENG_JOBS_MODE = "eager"


@pytest.fixture(autouse=True)
def _transactional_tests_keep_reference_data(request):
    """Transactional tests (live_server, transactional_db) end with a flush of every table.

    The flush would be refused by the audit table's append-only triggers and would drop the
    GB/T 2260 tree that the migration loaded. So: reload the tree and install the triggers
    before such a test, and lift the triggers just before its flush.
    """
    names = set(request.fixturenames)
    if not names & {"transactional_db", "live_server"}:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from lianmeng.core import triggers
    from lianmeng.core.jurisdictions import load_jurisdictions
    from lianmeng.core.models import Jurisdiction

    if not Jurisdiction.objects.exists():
        load_jurisdictions(Jurisdiction)
    triggers.install(connection)
    yield
    triggers.remove(connection)


@pytest.fixture
def jurisdiction(db) -> Callable[[str], object]:
    from lianmeng.core.models import Jurisdiction

    return lambda code: Jurisdiction.objects.get(code=code)


@pytest.fixture
def make_unit(db) -> Callable[..., object]:
    from lianmeng.core.services import unit_create

    def make(region: str = "410305", *, name: str | None = None, kind: str = "enterprise"):
        n = next(_serial)
        return unit_create(
            actor=None, name=name or f"测试单位{n}", kind=kind, uscc=make_uscc(region, n)
        )

    return make


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    from lianmeng.core.services import user_create

    def make(roles: Iterable[str], *, unit=None, jurisdiction=None, username: str | None = None):
        from lianmeng.core.models import Jurisdiction

        if isinstance(jurisdiction, str):
            jurisdiction = Jurisdiction.objects.get(code=jurisdiction)
        return user_create(
            actor=None,
            username=username or f"user{next(_serial)}",
            password=PASSWORD,
            unit=unit,
            jurisdiction=jurisdiction,
            roles=roles,
        )

    return make


@pytest.fixture
def policies_in_force(monkeypatch):
    """Pin ``clock.now()`` to 2019-11-05 10:00 Beijing time, when every profile was in force
    (洛阳 2018-07-10 — 2020-12-31, 保定 2018-09-18 — 2023-09-17): for tests of what a
    department does under those measures, which lianmeng.policy.validity refuses today."""
    from datetime import datetime

    from lianmeng.core import clock

    moment = datetime(2019, 11, 5, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)
    return moment
