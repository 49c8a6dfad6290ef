"""The duplicate search in the legacy registry (``alliance.unique_in_field`` compares a proposal
with the alliances decided before the system, lianmeng.alliances.legacy): GIN indexes on
``lianmeng_cjk_vector`` of the alliances' names, industries and products and a partial index on the rows those cannot answer for, as the proposals have
(proposals 0004). PostgreSQL only; on SQLite the check reads every legacy alliance, as before."""

from django.db import migrations

from lianmeng.core.textsearch import PostgresOnlySQL, index_sql
from lianmeng.proposals.checks import irregular_sql

TABLE = "alliances_alliance"


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0009_name_search"),
        ("core", "0005_cjk_name_search"),
    ]
    operations = [
        # IF NOT EXISTS: databases migrated with an early 0009 have the names' index already
        PostgresOnlySQL(
            index_sql(TABLE, "name")[0].replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"),
            index_sql(TABLE, "name")[1],
        ),
        PostgresOnlySQL(*index_sql(TABLE, "industry")),
        PostgresOnlySQL(*index_sql(TABLE, "product")),
        PostgresOnlySQL(
            f"CREATE INDEX alliances_dup_irregular ON {TABLE} (profile) "
            f"WHERE {irregular_sql(TABLE)}",
            "DROP INDEX IF EXISTS alliances_dup_irregular",
        ),
    ]
