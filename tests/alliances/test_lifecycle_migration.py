"""Migration alliances.0005: every alliance already in the registry gets its first history row
(and, while 筹建中, its construction deadline); backwards removes exactly those rows. Runs on
SQLite and on PostgreSQL."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lianmeng.alliances.models import Alliance
from lianmeng.demo import load_demo
from lianmeng.workflow.models import Deadline, StateChange


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_existing_alliances_get_their_first_history_row(transactional_db):
    list(load_demo())
    alliances = {a.pk: a.status for a in Alliance.objects.all()}
    assert alliances
    # as before the lifecycle: alliances without history (nor the revocation notices and
    # evidence that keep their change)
    from lianmeng.alliances.models import RevocationEvidence, RevocationNotice

    RevocationEvidence.objects.all().delete()
    RevocationNotice.objects.all().delete()
    Deadline.objects.filter(subject_kind="alliance").delete()
    StateChange.objects.filter(subject_kind="alliance").delete()
    # (待验收 came with the lifecycle: going back, such an alliance is 筹建中 again)
    building = Alliance.objects.filter(status__in=["building", "awaiting_acceptance"]).exclude(
        construction_deadline=None
    )
    with_deadline = set(building.values_list("pk", flat=True))
    proposals = StateChange.objects.filter(subject_kind="proposal").count()

    _migrate([("alliances", "0004_decision_basis")])
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    alliances = {
        pk: "building" if status == "awaiting_acceptance" else status
        for pk, status in alliances.items()
    }
    assert "awaiting_acceptance" not in set(Alliance.objects.values_list("status", flat=True))
    rows = StateChange.objects.filter(subject_kind="alliance")
    assert {(r.subject_id, r.from_state, r.to_state) for r in rows} == {
        (pk, "", status) for pk, status in alliances.items()
    }
    assert (
        set(Deadline.objects.filter(subject_kind="alliance").values_list("subject_id", flat=True))
        == with_deadline
    )
    # new rows after the migrated ones get fresh ids (the sequence is not disturbed)
    latest = StateChange.objects.order_by("-id").first()
    fresh = StateChange.objects.create(
        subject_kind="alliance",
        subject_id=latest.subject_id,
        from_state="x",
        to_state="y",
        transition="t",
        label="t",
        at=latest.at,
    )
    assert fresh.pk > latest.pk
    fresh.delete()

    _migrate([("alliances", "0004_decision_basis")])
    assert not StateChange.objects.filter(subject_kind="alliance").exists()
    assert StateChange.objects.filter(subject_kind="proposal").count() == proposals
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert StateChange.objects.filter(subject_kind="alliance").count() == len(alliances)
