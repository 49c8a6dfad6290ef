# ruff: noqa: F811 - the shared fixtures are imported into this module
"""工作台待办：等待最久的排在前面（未办理过的最先），在省级成千上万件中只取前几件。"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lianmeng.core import clock
from lianmeng.web import inbox
from lianmeng.workflow.models import StateChange
from tests.experts.fixtures import (  # noqa: F401
    _fast_passwords,
    make_expert,
    make_review_proposal,
)
from tests.reviews.conftest import staff  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_home_shows_the_longest_waiting_first(make_review_proposal, staff):
    now = clock.now()
    for name, days in (("近期", 1), ("最久", 30), ("无记录", None), ("较久", 9), ("最近", 0)):
        proposal = make_review_proposal(status="submitted", region="410182", name=name)
        for back in (days + 2, days) if days is not None else ():
            StateChange.objects.create(
                subject_kind="proposal",
                subject_id=proposal.pk,
                from_state="draft",
                to_state="submitted",
                transition="submit",
                label="提交",
                at=now - timedelta(days=back),
            )
    tasks, total = inbox.department_tasks(staff("410182"), limit=4)
    assert total == 5
    assert [t.title for t in tasks] == ["无记录", "最久", "较久", "近期"]
    assert tasks[1].since == now - timedelta(days=30)
