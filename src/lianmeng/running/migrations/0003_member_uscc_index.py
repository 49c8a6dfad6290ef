# Units in several alliances (lianmeng.insight.overlap): current members by USCC.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("running", "0002_change_filings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["uscc", "left_on"], name="running_member_uscc"),
        ),
    ]
