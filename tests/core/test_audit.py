"""The audit trail: one entry per write, hash-chained, append-only in the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, connections, transaction

from lianmeng.cli import main as cli_main
from lianmeng.core import triggers
from lianmeng.core.audit import audit_record, audit_verify
from lianmeng.core.models import AuditEntry, Unit
from lianmeng.core.services import unit_create
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db


def test_every_service_write_leaves_one_chained_entry(make_unit):
    a = make_unit("410305")
    b = make_unit("130602")
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == ["lianmeng.core.unit.created"] * 2
    assert [e.object_id for e in entries] == [str(a.pk), str(b.pk)]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[0].summary["after"]["region"] == "410305"
    assert audit_verify().intact


def test_audit_outside_a_transaction_is_refused(monkeypatch):
    # The test itself runs in a transaction; pretend the service forgot to open one.
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="lianmeng.test.noop")


def test_change_rolls_back_when_audit_write_fails(monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("lianmeng.core.services.audit_record", broken)
    with pytest.raises(DatabaseError):
        unit_create(actor=None, name="回滚测试单位", kind="enterprise", uscc=make_uscc("410305"))
    assert not Unit.objects.filter(name="回滚测试单位").exists()


@pytest.mark.parametrize(
    "sql", ["UPDATE core_auditentry SET action = 'x'", "DELETE FROM core_auditentry"]
)
def test_database_refuses_update_and_delete(make_unit, sql):
    make_unit()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(action="lianmeng.core.unit.created").count() == 1


def _tamper(sql: str, params: list) -> None:
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.install(connection)


def test_verify_names_the_altered_entry(make_unit, capsys):
    for region in ("410305", "410311", "130602"):
        make_unit(region)
    assert cli_main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    victim = AuditEntry.objects.order_by("id")[1]
    _tamper("UPDATE core_auditentry SET object_label = %s WHERE id = %s", ["篡改", victim.pk])
    result = audit_verify()
    assert not result.intact and result.broken_id == victim.pk
    assert cli_main(["audit", "verify"]) == 1
    assert f"第 {victim.pk} 号记录" in capsys.readouterr().out


def test_verify_notices_a_deleted_entry(make_unit):
    for region in ("410305", "410311", "130602"):
        make_unit(region)
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [ids[1]])
    result = audit_verify()
    assert not result.intact and result.broken_id == ids[2]
