from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_proposal_call_proposal_explanations_and_more")]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(fields=["-updated_at", "-id"], name="proposals_updated_id"),
        ),
    ]
