"""What the authorisation matrix (test_authz_matrix.py) found, each pinned by a focused test:
a refusal answers 404 like a read of the record would, and changes nothing."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    from lianmeng.core.tokens import token_create

    _token, key = token_create(actor=user, name="回归测试")
    return {"Authorization": f"Bearer {key}"}


def _note(user):
    from lianmeng.core import clock
    from lianmeng.reviews.models import Notification

    return Notification.objects.create(
        recipient=user, event="x.y", subject="别人的消息", body="", created_at=clock.now()
    )


def test_api_marking_someone_elses_notification_read_is_404(make_user, make_unit):
    mine = make_user(["applicant"], unit=make_unit("410305"))
    other = _note(make_user(["applicant"], unit=make_unit("130602")))
    response = Client().post(f"/api/v1/notifications/{other.pk}/read", headers=_bearer(mine))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_api_marking_ones_own_notification_read_still_works(make_user, make_unit):
    mine = make_user(["applicant"], unit=make_unit("410305"))
    note = _note(mine)
    response = Client().post(f"/api/v1/notifications/{note.pk}/read", headers=_bearer(mine))
    assert response.status_code == 204
    note.refresh_from_db()
    assert note.read_at is not None


def test_page_marking_someone_elses_notification_read_is_404(make_user, make_unit):
    mine = make_user(["applicant"], unit=make_unit("410305"))
    other = _note(make_user(["applicant"], unit=make_unit("130602")))
    client = Client()
    client.force_login(mine)
    response = client.post("/notifications/", {"id": other.pk})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_notification_page_never_redirects_off_the_site(make_user, make_unit):
    client = Client()
    client.force_login(make_user(["applicant"], unit=make_unit("410305")))
    response = client.post("/notifications/", {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    response = client.post("/notifications/", {"next": "/home/"})
    assert response["Location"] == "/home/"


def test_unstaging_another_departments_decision_is_404(make_user, make_unit, make_proposal):
    from lianmeng.alliances.models import Decision
    from lianmeng.core import clock
    from lianmeng.core.models import AuditEntry

    baoding = make_user(["competent", "recommender"], jurisdiction="130600")
    luoyang = make_user(["competent", "recommender"], jurisdiction="410300")
    proposal = make_proposal(make_unit("130602"), profile="baoding", name="保定市测试联盟")
    decision = Decision.objects.create(
        proposal=proposal,
        profile="baoding",
        kind=Decision.Kind.DECLINE,
        staged_by=baoding,
        staged_at=clock.now(),
    )
    client = Client()
    client.force_login(luoyang)
    entries = AuditEntry.objects.count()
    response = client.post(f"/staff/decisions/{decision.pk}/unstage/")
    assert response.status_code == 404
    assert Decision.objects.filter(pk=decision.pk, status=Decision.Status.STAGED).exists()
    assert AuditEntry.objects.count() == entries


def test_roster_import_into_another_units_draft_is_404_before_the_file_is_read(
    make_user, make_unit, make_proposal
):
    from openpyxl import Workbook

    from lianmeng.proposals.models import Proposal

    draft = make_proposal(make_unit("130602"), profile="baoding", status="draft")
    stranger = make_user(["applicant"], unit=make_unit("410305"))
    headers = _bearer(stranger)
    url = f"/api/v1/proposals/{draft.pk}/members/import?revision={draft.revision}"
    buffer = BytesIO()
    Workbook().save(buffer)
    for upload in (b"not a workbook", buffer.getvalue()):
        response = Client().post(
            url, {"file": SimpleUploadedFile("members.xlsx", upload)}, headers=headers
        )
        assert response.status_code == 404, response.content
    assert Proposal.objects.get(pk=draft.pk).document == draft.document
