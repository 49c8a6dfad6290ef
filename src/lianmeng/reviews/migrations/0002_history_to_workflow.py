"""The proposals' state history and deadlines move to the lifecycle engine's tables
(lianmeng.workflow), keyed by subject kind and id; every row keeps its id, so notifications
still point at their state change and the audit trail (which names proposals, not history
rows) is untouched."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def _reset_sequence(connection, table):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # the table names are this migration's own constants
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"  # nosec B608
            cursor.execute(sql)


def forwards(apps, schema_editor):
    OldChange = apps.get_model("reviews", "StateChange")
    OldDeadline = apps.get_model("reviews", "ProposalDeadline")
    Change = apps.get_model("workflow", "StateChange")
    Deadline = apps.get_model("workflow", "Deadline")
    db = schema_editor.connection.alias
    batch = []
    for old in OldChange.objects.using(db).order_by("id").iterator(chunk_size=BATCH):
        batch.append(
            Change(
                id=old.id,
                subject_kind="proposal",
                subject_id=old.proposal_id,
                from_state=old.from_state,
                to_state=old.to_state,
                transition=old.transition,
                kind=old.kind,
                label=old.label,
                actor_id=old.actor_id,
                actor_office=old.actor_office,
                actor_jurisdiction_id=old.actor_jurisdiction_id,
                at=old.at,
                reason=old.reason,
                data=old.data,
            )
        )
        if len(batch) >= BATCH:
            Change.objects.using(db).bulk_create(batch)
            batch = []
    Change.objects.using(db).bulk_create(batch)
    Deadline.objects.using(db).bulk_create(
        [
            Deadline(
                id=old.id,
                subject_kind="proposal",
                subject_id=old.proposal_id,
                kind=old.kind,
                starts_at=old.starts_at,
                due_at=old.due_at,
                state_change_id=old.state_change_id,
            )
            for old in OldDeadline.objects.using(db).order_by("id")
        ]
    )
    if Change.objects.using(db).count() != OldChange.objects.using(db).count():
        raise RuntimeError("state history was not copied whole")
    _reset_sequence(schema_editor.connection, Change._meta.db_table)
    _reset_sequence(schema_editor.connection, Deadline._meta.db_table)


def backwards(apps, schema_editor):
    Change = apps.get_model("workflow", "StateChange")
    OldChange = apps.get_model("reviews", "StateChange")
    Deadline = apps.get_model("workflow", "Deadline")
    OldDeadline = apps.get_model("reviews", "ProposalDeadline")
    db = schema_editor.connection.alias
    if Change.objects.using(db).exclude(subject_kind="proposal").exists():
        raise RuntimeError("the history holds subjects other than proposals; cannot go back")
    OldChange.objects.using(db).bulk_create(
        [
            OldChange(
                id=new.id,
                proposal_id=new.subject_id,
                from_state=new.from_state,
                to_state=new.to_state,
                transition=new.transition,
                kind=new.kind,
                label=new.label,
                actor_id=new.actor_id,
                actor_office=new.actor_office,
                actor_jurisdiction_id=new.actor_jurisdiction_id,
                at=new.at,
                reason=new.reason,
                data=new.data,
            )
            for new in Change.objects.using(db).order_by("id")
        ]
    )
    OldDeadline.objects.using(db).bulk_create(
        [
            OldDeadline(
                id=new.id,
                proposal_id=new.subject_id,
                kind=new.kind,
                starts_at=new.starts_at,
                due_at=new.due_at,
                state_change_id=new.state_change_id,
            )
            for new in Deadline.objects.using(db).order_by("id")
        ]
    )
    Deadline.objects.using(db).all().delete()
    Change.objects.using(db).all().delete()
    _reset_sequence(schema_editor.connection, OldChange._meta.db_table)
    _reset_sequence(schema_editor.connection, OldDeadline._meta.db_table)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0001_initial'),
        ('workflow', '0001_initial'),
    ]

    operations = [
        # the notices' link to their state change carries no constraint while the rows move
        # (in either direction), and points at the engine's table afterwards
        migrations.AlterField(
            model_name='notification',
            name='state_change',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reviews.statechange'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name='notification',
            name='state_change',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='workflow.statechange'),
        ),
        migrations.DeleteModel(
            name='ProposalDeadline',
        ),
        migrations.DeleteModel(
            name='StateChange',
        ),
    ]
