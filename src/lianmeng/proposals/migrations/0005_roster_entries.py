"""The roster index (``RosterEntry``, lianmeng.proposals.roster_index): one row per member of
each proposal's roster under its organisation-code key, filled here from the existing
documents; the key index is built after the rows are in."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def fill(apps, schema_editor):
    from lianmeng.proposals.roster_index import roster_rows

    Proposal = apps.get_model("proposals", "Proposal")
    RosterEntry = apps.get_model("proposals", "RosterEntry")
    db = schema_editor.connection.alias
    rows = []
    documents = (
        Proposal.objects.using(db).order_by("pk").values_list("pk", "document").iterator(2000)
    )
    for pk, document in documents:
        rows += [
            RosterEntry(proposal_id=pk, position=p, key=k, member_code=c)
            for p, k, c in roster_rows(document)
        ]
        if len(rows) >= BATCH:
            RosterEntry.objects.using(db).bulk_create(rows)
            rows = []
    RosterEntry.objects.using(db).bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_duplicate_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="RosterEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                ("key", models.CharField(max_length=64)),
                ("member_code", models.TextField(blank=True)),
                (
                    "proposal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="proposals.proposal",
                    ),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="rosterentry",
            index=models.Index(fields=["key", "proposal"], name="proposals_roster_key"),
        ),
    ]
