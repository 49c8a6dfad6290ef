"""依据: the basis a decision under a policy not in force relies on (docs/decisions/0012)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0003_decision_reference"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="basis",
            field=models.TextField(blank=True, verbose_name="依据"),
        ),
    ]
