"""The roster index: a member unit finds the proposals listing it, whichever way the roster
changes, under its USCC or its 组织机构代码 — and a page reads only the proposals it shows."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core.models import Unit
from lianmeng.core.services import unit_create
from lianmeng.proposals.editing import document_saved
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.roster_index import roster_rows, unit_keys
from lianmeng.proposals.selectors import member_confirmations, proposals_awaiting_confirmation
from lianmeng.proposals.services import proposal_import

from .conftest import henan_example

pytestmark = pytest.mark.django_db


def _contact(make_user, member):
    unit = Unit.objects.filter(uscc=member["uscc"]).first() or unit_create(
        actor=None, name=member["name"], kind=member["kind"], uscc=member["uscc"]
    )
    return make_user(["member"], unit=unit)


def _listed(viewer):
    return [(i.proposal.pk, i.position) for i in proposals_awaiting_confirmation(viewer=viewer)]


def test_a_roster_edit_moves_the_unit_in_and_out_of_its_confirmations(henan_draft, make_user):
    member = henan_draft.document["members"][2]
    contact = _contact(make_user, member)
    assert _listed(contact) == [(henan_draft.pk, 2)]

    # the lead unit takes the member off the roster: the confirmation goes
    document = copy.deepcopy(henan_draft.document)
    del document["members"][2]
    henan_draft.document = document
    document_saved(actor=None, proposal=henan_draft, action="test.roster")
    assert _listed(contact) == []

    # … and lists it again further down, by its 组织机构代码 only
    uscc = member["uscc"]
    document["members"].append(
        {"name": member["name"], "org_code": f"{uscc[8:16]}-{uscc[16]}", "kind": member["kind"]}
    )
    henan_draft.document = document
    document_saved(actor=None, proposal=henan_draft, action="test.roster")
    assert _listed(contact) == [(henan_draft.pk, len(document["members"]) - 1)]


def test_a_unit_registered_by_its_organisation_code_finds_a_roster_listing_its_uscc(
    henan_draft, make_user
):
    uscc = henan_draft.document["members"][4]["uscc"]
    unit = unit_create(
        actor=None,
        name="只有组织机构代码的单位",
        kind="enterprise",
        org_code=uscc[8:17],
        region_code="410305",
    )
    assert _listed(make_user(["member"], unit=unit)) == [(henan_draft.pk, 4)]


def test_the_index_holds_each_members_key_and_code():
    document = henan_example()
    rows = roster_rows(document)
    assert len(rows) == len(document["members"])
    assert {k for _p, k, _c in rows} == unit_keys(m["uscc"] for m in document["members"])
    assert roster_rows({"members": "not a list"}) == roster_rows(None) == []


def test_a_page_reads_only_the_proposals_it_shows(make_user):
    document = henan_example()
    first = proposal_import(actor=None, document=copy.deepcopy(document))
    contact = _contact(make_user, document["members"][3])

    def queries(n):
        for _i in range(n):
            proposal_import(actor=None, document=copy.deepcopy(document))
        confirmations = member_confirmations(viewer=contact)
        with CaptureQueriesContext(connection) as ctx:
            page = confirmations[:2]
        return len(confirmations), [i.proposal.pk for i in page], len(ctx.captured_queries)

    total, shown, few = queries(1)
    assert total == 2 and len(shown) == 2
    total, shown, many = queries(20)
    assert total == 22 and len(shown) == 2 and first.pk not in shown  # latest first
    assert many == few
    # withdrawn proposals are left out
    Proposal.objects.filter(pk=shown[0]).update(status=Proposal.Status.WITHDRAWN)
    assert len(member_confirmations(viewer=contact)) == 21
