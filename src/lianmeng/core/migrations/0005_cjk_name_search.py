"""The Chinese "contains" search on names (lianmeng.core.textsearch): the immutable function that
cuts a name into 汉字 unigrams and bigrams, and its GIN index on the units' names. PostgreSQL
only; nothing changes on SQLite."""

from django.db import migrations

from lianmeng.core.textsearch import PostgresOnlySQL, function_sql, index_sql


class Migration(migrations.Migration):
    dependencies = [("core", "0004_cache_table")]
    operations = [
        PostgresOnlySQL(*function_sql()),
        PostgresOnlySQL(*index_sql("core_unit")),
    ]
