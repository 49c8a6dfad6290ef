"""The state history moved from ``reviews`` to the lifecycle engine's tables
(reviews/migrations/0002_history_to_workflow.py): on the demo database, every row, its id, its
deadline and the notifications pointing at it survive the move — backwards and forwards again —
and the audit chain stays intact. Runs on SQLite and on PostgreSQL (``make test`` runs both)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lianmeng.core import clock
from lianmeng.core.audit import audit_verify
from lianmeng.core.models import User
from lianmeng.demo import load_demo
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.proposals.models import Proposal
from lianmeng.reviews.models import Notification
from lianmeng.workflow.kinds import subject_key
from lianmeng.workflow.models import Deadline, StateChange

FIELDS = ("id", "subject_id", "from_state", "to_state", "transition", "kind", "label")


def _history() -> list[tuple]:
    # the proposals' rows (an alliance's history starts with alliances.0005, which going back
    # past this move undoes first and going forward writes again)
    return list(
        StateChange.objects.filter(subject_kind="proposal")
        .order_by("id")
        .values_list(*FIELDS, "actor_id", "at", "data")
    )


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_history_deadlines_and_notices_survive_the_move(transactional_db):
    list(load_demo())
    henan = Proposal.objects.filter(profile="henan").earliest("id")  # the example of `shenbao`
    change = StateChange.objects.of(henan).order_by("id").last()
    # a deadline and a notice on the demo's history, as 批准筹建 and the inbox make them
    Deadline.objects.create(
        **subject_key(henan),
        kind="construction_period",
        starts_at=change.at,
        due_at=change.at,
        state_change=change,
    )
    notice = Notification.objects.create(
        recipient=User.objects.get(username="shenbao"),
        event="proposal.recommended",
        proposal=henan,
        state_change=change,
        subject="s",
        body="b",
        created_at=clock.now(),
    )
    history = _history()
    assert len(history) >= 4  # the demo's proposals were submitted, one recommended …
    deadlines = list(
        Deadline.objects.filter(subject_kind="proposal").values_list(
            "id", "subject_id", "state_change_id"
        )
    )

    _migrate([("reviews", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, proposal_id, from_state, to_state, transition, kind, label "
            "FROM reviews_statechange ORDER BY id"
        )
        old = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT id, proposal_id, state_change_id FROM reviews_proposaldeadline")
        old_deadlines = [tuple(row) for row in cursor.fetchall()]
    assert old == [row[:7] for row in history]
    assert old_deadlines == deadlines

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _history() == history
    assert (
        list(
            Deadline.objects.filter(subject_kind="proposal").values_list(
                "id", "subject_id", "state_change_id"
            )
        )
        == deadlines
    )
    assert Notification.objects.get(pk=notice.pk).state_change_id == change.pk
    assert {row[0] for row in history} == set(
        StateChange.objects.filter(subject_kind="proposal").values_list("id", flat=True)
    )
    verified = audit_verify()
    assert verified.intact, verified

    # the next change continues the ids (the sequence follows the copied rows)
    luoyang = Proposal.objects.get(profile="luoyang")
    proposal_transition(
        actor=User.objects.get(username="jianxi"),
        pk=luoyang.pk,
        transition="preliminary_review",
        reason="初审通过",
        # the Luoyang 办法 expired on 2020-12-31: acting today needs a recorded basis
        data={"basis": "洛阳市科技局关于存量申报继续办理的通知"},
    )
    newest = StateChange.objects.of(luoyang).order_by("-id").first()
    assert newest.transition == "preliminary_review"
    assert newest.pk > max(row[0] for row in history)
