from django.db import migrations


def create(apps, schema_editor):
    from lianmeng.core.triggers import install

    install(schema_editor.connection)


def drop(apps, schema_editor):
    from lianmeng.core.triggers import remove

    remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_load_jurisdictions")]
    operations = [migrations.RunPython(create, drop)]
