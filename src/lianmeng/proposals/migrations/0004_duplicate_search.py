"""The duplicate search of ``alliance.unique_in_field`` (lianmeng.proposals.checks): GIN indexes on
``lianmeng_cjk_vector`` of the proposals' names, industries and products, and a partial index on
the rows those cannot answer for (``checks.IRREGULAR_SQL``), and one on (profile, status) for
the count of those compared with. PostgreSQL only; on SQLite the check
reads every proposal of the profile, as before."""

from django.db import migrations

from lianmeng.core.textsearch import PostgresOnlySQL, index_sql
from lianmeng.proposals.checks import IRREGULAR_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_cjk_name_search"),
        ("proposals", "0003_proposals_updated_id"),
    ]
    operations = [
        PostgresOnlySQL(*index_sql("proposals_proposal", "name")),
        PostgresOnlySQL(*index_sql("proposals_proposal", "industry")),
        PostgresOnlySQL(*index_sql("proposals_proposal", "product")),
        PostgresOnlySQL(
            "CREATE INDEX proposals_dup_irregular ON proposals_proposal (profile) "
            f"WHERE {IRREGULAR_SQL}",
            "DROP INDEX IF EXISTS proposals_dup_irregular",
        ),
        # how many were compared with (the rule's evidence) is counted from this index alone
        PostgresOnlySQL(
            "CREATE INDEX proposals_profile_status ON proposals_proposal (profile, status)",
            "DROP INDEX IF EXISTS proposals_profile_status",
        ),
    ]
