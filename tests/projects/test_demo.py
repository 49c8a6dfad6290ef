"""The demo (load_demo_projects): Luoyang's open solicitation addressed to the fields of its
alliances, the refractory alliance's submitted proposal and draft; idempotent."""

from __future__ import annotations

import pytest

from lianmeng.core.models import User
from lianmeng.projects import selectors
from lianmeng.projects.demo import REFRACTORY, load_demo_projects
from lianmeng.projects.models import ProjectProposal, Solicitation
from tests.web.conftest import demo_data  # noqa: F401  (fixture)


@pytest.mark.django_db
def test_demo_projects(demo_data):  # noqa: F811
    lines = list(load_demo_projects())
    if not lines:  # the lead has hooked it into the demo already
        assert Solicitation.objects.exists()
    assert list(load_demo_projects()) == []
    luoyang = User.objects.get(username="luoyang")
    lead = User.objects.get(username="qiantou-ly")
    solicitation = Solicitation.objects.get(jurisdiction=luoyang.jurisdiction)
    assert selectors.is_open(solicitation) and solicitation.domains
    proposals = ProjectProposal.objects.filter(solicitation=solicitation, alliance__name=REFRACTORY)
    assert sorted(proposals.values_list("status", flat=True)) == ["draft", "submitted"]
    submitted = proposals.get(status="submitted")
    assert submitted.members.exists() and submitted.verification_code
    offers = selectors.open_for_lead(lead)
    assert [o.solicitation.pk for o in offers] == [solicitation.pk]
