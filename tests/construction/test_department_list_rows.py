# ruff: noqa: F811 - the shared fixtures are imported into this module
"""The department's 筹建与验收 list (issue 17): the area found through region-id subqueries and the
items done counted per row give the rows, order and counts the joins and the grouped count gave."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, Q

from lianmeng.alliances.models import Alliance
from lianmeng.alliances.selectors import with_construction
from lianmeng.construction import selectors, services
from lianmeng.core.models import Jurisdiction
from lianmeng.proposals.models import Proposal

from .conftest import upload

pytestmark = pytest.mark.django_db


def _legacy(lead, code, name, status="building", deadline=date(2020, 1, 1)):
    """An alliance of the registry without a proposal (its area is its lead unit's)."""
    return Alliance.objects.create(
        profile="henan",
        level="provincial",
        name=name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=code),
        member_count=3,
        status=status,
        decided_on=date(2019, 1, 1),
        construction_deadline=deadline,
        authority="河南省科学技术厅",
    )


def _as_before(viewer, **filters):
    """The list as written before: LIKE on the joined regions, a grouped count of items."""
    scope = viewer.jurisdiction
    area = Q(proposal__region__path__startswith=scope.path) | Q(
        proposal__isnull=True, lead_unit__region__path__startswith=scope.path
    )
    qs = with_construction(Alliance.objects.filter(area, profile="henan")).annotate(
        done_count=Count("checklist_entries", filter=Q(checklist_entries__complete=True))
    )
    status = filters.get("status")
    statuses = ["building", "awaiting_acceptance", "recognised"]
    qs = qs.filter(status=status) if status else qs.filter(status__in=statuses)
    if filters.get("overdue"):
        qs = qs.filter(construction_overdue=True)
    return [
        (a.pk, a.done_count, a.construction_overdue)
        for a in qs.order_by("-construction_overdue", "construction_due_at", "id")
    ]


def test_the_list_keeps_its_rows_order_and_items_done(
    henan_alliance, lead, henan_staff, luoyang_staff, make_unit, make_user
):
    # two of the four items done on the decided alliance
    for item, text in (("bodies", "已设立。"), ("agreement_and_charter", None)):
        services.checklist_save(
            actor=lead, alliance_id=henan_alliance.pk, item=item, text=text, files=[upload()]
        )
    in_luoyang = _legacy(make_unit("410305"), "410300", "洛阳老联盟")  # overdue, no proposal
    _legacy(make_unit("410105"), "410000", "郑州已认定联盟", status="recognised")
    _legacy(make_unit("130602"), "130600", "保定联盟")  # outside Henan: nowhere
    # a legacy alliance whose lead unit is in 洛阳 but whose proposal is elsewhere: the proposal's
    # region counts, not the lead unit's
    elsewhere = Proposal.objects.create(
        profile="henan",
        call_year=2019,
        name="郑州申报",
        domain="industry",
        lead_unit=make_unit("410306"),
        region=Jurisdiction.objects.get(code="410105"),
        status="approved",
        document={},
    )
    moved = _legacy(elsewhere.lead_unit, "410000", "跨区联盟")
    moved.proposal = elsewhere
    moved.save(update_fields=["proposal"])

    for viewer in (henan_staff, luoyang_staff):
        for filters in ({}, {"status": "building"}, {"status": "building", "overdue": True}):
            rows = selectors.department_list(viewer=viewer, **filters)
            assert [(a.pk, a.done_count, a.construction_overdue) for a in rows] == _as_before(
                viewer, **filters
            )
            assert rows.count() == len(_as_before(viewer, **filters))
    province = {a.pk: a.done_count for a in selectors.department_list(viewer=henan_staff)}
    city = [a.pk for a in selectors.department_list(viewer=luoyang_staff)]
    assert province[henan_alliance.pk] == 2 and len(province) == 4
    assert in_luoyang.pk in city and moved.pk not in city and moved.pk in province
