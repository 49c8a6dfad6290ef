"""The registry's search (lianmeng.alliances.selectors.name_search) on PostgreSQL: a column
``search_names`` (the alliance's name and its lead unit's, kept by triggers, not a Django
field) with a GIN index on its 汉字 unigrams and bigrams (lianmeng.core.textsearch; the function
comes with core 0005). So a search reads one index of 10,000 alliances, not the names of every
unit of the country. Nothing changes on SQLite."""

from django.db import migrations

from lianmeng.core.textsearch import PostgresOnlySQL, index_sql

TABLE = "alliances_alliance"
#: the two names apart by U+001F (no query holds it), so a match never spans both
NAMES = (
    "NEW.name || chr(31) || "
    "coalesce((SELECT u.name FROM core_unit u WHERE u.id = NEW.lead_unit_id), '')"
)

FORWARDS = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_names text",
    # the alliance's row: on insert and when its name or lead unit changes
    f"""CREATE FUNCTION {TABLE}_search_names() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.search_names := {NAMES}; RETURN NEW; END $$""",
    f"CREATE TRIGGER {TABLE}_search_names BEFORE INSERT OR UPDATE OF name, lead_unit_id "
    f"ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_names()",
    # a lead unit renamed: the alliances it leads
    (  # constant names, no input
        "CREATE FUNCTION core_unit_renamed_search_names() RETURNS trigger "  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
        "LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {TABLE} SET search_names = name || chr(31) || NEW.name "
        "WHERE lead_unit_id = NEW.id; RETURN NULL; END $$"
    ),
    "CREATE TRIGGER core_unit_renamed_search_names AFTER UPDATE OF name ON core_unit "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
    "EXECUTE FUNCTION core_unit_renamed_search_names()",
    (  # constant names, no input
        f"UPDATE {TABLE} a SET search_names = a.name || chr(31) || u.name "  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
        "FROM core_unit u "
        "WHERE u.id = a.lead_unit_id"
    ),
    index_sql(TABLE, "search_names")[0],
]
BACKWARDS = [
    index_sql(TABLE, "search_names")[1],
    "DROP TRIGGER IF EXISTS core_unit_renamed_search_names ON core_unit",
    "DROP FUNCTION IF EXISTS core_unit_renamed_search_names()",
    f"DROP TRIGGER IF EXISTS {TABLE}_search_names ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_search_names()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_names",
]


class Migration(migrations.Migration):
    dependencies = [("alliances", "0008_support_eligible"), ("core", "0005_cjk_name_search")]
    operations = [PostgresOnlySQL(FORWARDS, BACKWARDS)]
