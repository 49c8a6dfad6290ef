"""Reminders (M-36): 30, 7 and 1 days before, on the day and once overdue, in the inbox and by
e-mail, each exactly once — also when the job runs again or in two workers at once."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from lianmeng.reviews.models import Notification
from lianmeng.schedule import reminders
from lianmeng.schedule.models import Reminder
from lianmeng.schedule.reminders import send_due_reminders

from .conftest import beijing


def test_reminders_go_out_before_on_the_day_and_overdue_each_once(
    file_proposal, applicant, staff, deadline, at
):
    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    province = staff("410000", "competent")
    province.email = "kjt@example.cn"
    province.save(update_fields=["email"])
    due = deadline(proposal, beijing(2021, 3, 1, 10), by=province)

    assert send_due_reminders(beijing(2021, 1, 20, 9)) == []  # 40 days before: nothing yet

    sent = send_due_reminders(beijing(2021, 1, 31, 9))  # 29 days before
    assert [s.step for s in sent] == ["before_30"]
    note = Notification.objects.get(recipient=lead)
    assert "河南省高性能铝基新材料产业技术创新战略联盟" in note.subject
    assert "2021年3月1日" in note.body and "还有 30 天" in note.body
    assert f"/proposals/{proposal.pk}/" in note.body or "/proposals/" in note.body
    assert note.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["shenbao@example.cn"]]

    # the same moment again, and later the same step: nothing more
    assert send_due_reminders(beijing(2021, 1, 31, 9)) == []
    assert send_due_reminders(beijing(2021, 2, 10, 9)) == []

    assert [s.step for s in send_due_reminders(beijing(2021, 2, 22, 9))] == ["before_7"]
    assert [s.step for s in send_due_reminders(beijing(2021, 2, 28, 8))] == ["before_1"]
    assert [s.step for s in send_due_reminders(beijing(2021, 3, 1, 8))] == ["due"]
    assert send_due_reminders(beijing(2021, 3, 1, 20)) == []

    overdue = send_due_reminders(beijing(2021, 3, 2, 8))
    assert [s.step for s in overdue] == ["overdue"]
    # once overdue, the department that set the deadline is told as well
    assert Notification.objects.filter(recipient=province).count() == 1
    assert mail.outbox[-1].to == ["kjt@example.cn"]
    assert "已逾期" in mail.outbox[-1].subject
    assert send_due_reminders(beijing(2021, 3, 9, 8)) == []
    steps = set(Reminder.objects.filter(deadline=due).values_list("step", flat=True))
    assert steps == {"before_30", "before_7", "before_1", "due", "overdue"}
    assert Notification.objects.filter(recipient=lead).count() == 5


def test_a_missed_step_is_not_sent_late_and_a_met_deadline_is_not_reminded(
    file_proposal, applicant, deadline, at
):
    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    first = deadline(proposal, beijing(2021, 3, 1, 10))
    # the job did not run for weeks: only the step due now goes out, not the 30-day one
    assert [s.step for s in send_due_reminders(beijing(2021, 2, 25, 9))] == ["before_7"]

    # a deadline whose subject has moved on (another kind: open while the state is unchanged)
    met = deadline(proposal, beijing(2021, 3, 5, 10), kind="acceptance")
    met.state_change.to_state = "recommended_county"
    met.state_change.save(update_fields=["to_state"])
    sent = send_due_reminders(beijing(2021, 3, 5, 9))
    assert [(s.deadline, s.step) for s in sent] == [(first.pk, "overdue")]


def test_reminder_days_come_from_the_setting(file_proposal, applicant, deadline, at, settings):
    settings.LIANMENG_REMINDER_DAYS = (14,)
    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    deadline(proposal, beijing(2021, 3, 1, 10))
    assert send_due_reminders(beijing(2021, 2, 10, 9)) == []  # 19 days: no 30-day step
    assert [s.step for s in send_due_reminders(beijing(2021, 2, 20, 9))] == ["before_14"]


def test_the_cli_runs_the_job_once_and_prints_what_it_sent(
    file_proposal, applicant, deadline, at, capsys
):
    from lianmeng.cli import main

    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    deadline(proposal, beijing(2021, 3, 1, 10))
    assert main(["reminders", "run", "--now", "2021-02-28T09:00+08:00"]) == 0
    out = capsys.readouterr().out
    assert "河南省高性能铝基新材料产业技术创新战略联盟" in out
    assert "还有 1 天到期" in out and "共发送提醒 1 条" in out
    assert main(["reminders", "run", "--now", "2021-02-28T09:00+08:00"]) == 0
    assert "没有需要发送的提醒" in capsys.readouterr().out
    assert main(["reminders", "run", "--now", "yesterday"]) == 2
    assert "无法识别" in capsys.readouterr().err


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two workers need two real connections (PostgreSQL); the SQLite test database "
    "is shared in memory and does not model two writers",
)
def test_two_workers_at_once_send_each_reminder_once(
    transactional_db, file_proposal, applicant, staff, deadline, at, monkeypatch
):
    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    province = staff("410000", "competent")
    province.email = "kjt@example.cn"
    province.save(update_fields=["email"])
    soon = deadline(proposal, beijing(2021, 3, 8, 10), by=province)
    passed = deadline(proposal, beijing(2021, 2, 27, 10), kind="acceptance", by=province)

    # both workers reach the insert of each reminder together
    meet = threading.Barrier(2)
    text = reminders._text

    def together(entry, step):
        meet.wait(timeout=10)
        return text(entry, step)

    monkeypatch.setattr(reminders, "_text", together)
    outcomes: list[object] = []

    def worker() -> None:
        from django.db import connection as own

        try:
            outcomes.append(send_due_reminders(beijing(2021, 3, 1, 9)))
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcomes.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(o, list) for o in outcomes), outcomes
    sent = sorted((s.deadline, s.step) for o in outcomes for s in o)
    assert sent == sorted([(soon.pk, "before_7"), (passed.pk, "overdue")])
    assert Reminder.objects.count() == 2
    # before_7: the lead unit; overdue: the lead unit and the province — one each
    assert Notification.objects.filter(state_change=soon.state_change).count() == 1
    assert Notification.objects.filter(state_change=passed.state_change).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kjt@example.cn",
        "shenbao@example.cn",
        "shenbao@example.cn",
    ]


def test_a_lead_unit_without_an_account_leaves_the_reminder_to_the_department(
    file_proposal, staff, deadline, at
):
    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")  # no applicant account for its lead unit
    province = staff("410000", "competent")
    deadline(proposal, beijing(2021, 3, 1, 10), by=province)
    sent = send_due_reminders(beijing(2021, 2, 28, 9))
    assert [s.step for s in sent] == ["before_1"]
    assert Notification.objects.get().recipient == province
