"""Notification e-mails off the request (issue 17): the inbox entry is written with the
decision, the e-mail is sent by a task after the commit — never for a rolled-back decision,
never twice, and a failing mail server leaves the entry to be e-mailed later."""

from __future__ import annotations

from smtplib import SMTPException

import pytest
from django.core import mail
from django.db import transaction

from lianmeng.jobs import runner, tasks
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews import notifications
from lianmeng.reviews.models import Notification
from lianmeng.reviews.notifications import EMAIL_TASK, email_pending, notify


def test_the_email_goes_after_the_commit_and_not_for_a_rolled_back_decision(
    file_proposal, staff, applicant, at, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://lianmeng.example.gov.cn"
    at(2020, 9, 10, 9)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    county = staff("410182")

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            proposal_transition(
                actor=county, pk=proposal.pk, transition="return_county", reason="请补充"
            )
            raise RuntimeError("the request fails after the decision")
    assert not Notification.objects.exists() and mail.outbox == []

    # a notice written inside a transaction is e-mailed only once that transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            (note,) = notify(
                [lead], event="test.notice", subject="通知", body="正文", link="https://x/1"
            )
            assert Notification.objects.filter(pk=note.pk, emailed_at=None).exists()
            assert mail.outbox == []
        assert mail.outbox == []  # the outer (test's) commit has not happened yet
    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [
        ("通知", "正文\n\nhttps://x/1", ["shenbao@example.cn"])
    ]
    note.refresh_from_db()
    assert note.emailed_at is not None

    # on the queue (celery), the decision only hands the ids to the broker; the worker's task
    # looks the function up by name and sends the e-mail with the link to the proposal
    mail.outbox.clear()
    settings.LIANMENG_JOBS_MODE = "celery"
    sent: list[tuple[str, list]] = []

    class Broker:
        def send_task(self, name, args):
            sent.append((name, args))

    monkeypatch.setattr(runner, "_celery", Broker)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(
            actor=county, pk=proposal.pk, transition="return_county", reason="请补充"
        )
    entry = Notification.objects.get(event="proposal.returned")
    assert mail.outbox == [] and entry.emailed_at is None
    assert [(name, args[0]) for name, args in sent] == [(runner.CALL_TASK, EMAIL_TASK)]
    tasks.call_task(*sent[0][1])
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == entry.subject
    assert mail.outbox[0].body.endswith(
        f"在联盟管理平台查看：https://lianmeng.example.gov.cn/proposals/{proposal.pk}/"
    )


def test_a_second_delivery_sends_nothing_twice_and_a_failing_server_leaves_the_entry(
    make_user, monkeypatch
):
    with_address = make_user(["competent"], jurisdiction="410000")
    with_address.email = "a@example.cn"
    with_address.save(update_fields=["email"])
    without_address = make_user(["competent"], jurisdiction="410000")

    def down(*args, **kwargs):
        raise SMTPException("mail server down")

    monkeypatch.setattr(notifications, "send_mail", down)
    notes = notify([with_address, without_address], event="test.notice", subject="S", body="B")
    ids = [n.pk for n in notes]
    assert mail.outbox == []
    assert Notification.objects.filter(pk__in=ids, emailed_at=None).count() == 2  # both stay

    monkeypatch.undo()  # the server is back: a later try sends the one with an address
    assert email_pending(ids) == 1
    assert email_pending(ids) == 0  # a second delivery of the same task
    runner.call(EMAIL_TASK, ids, "")
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]
    emailed = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "emailed_at"))
    assert emailed[notes[0].pk] is not None and emailed[notes[1].pk] is None
