from django.db import migrations


def load(apps, schema_editor):
    from lianmeng.core.jurisdictions import load_jurisdictions

    load_jurisdictions(apps.get_model("core", "Jurisdiction"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
