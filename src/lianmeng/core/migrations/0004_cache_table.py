from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    # The database cache backs rate limits and sessions' throttles when no Redis is configured.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
