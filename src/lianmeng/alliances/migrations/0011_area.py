"""Where an alliance lies, stored in its row (PostgreSQL only, issue 17): ``area_id``, the id of
its proposal's region, else of its lead unit's region, else of the deciding jurisdiction — what
``Alliance.region`` and the dashboard's ``alliance_area_q`` read through three tables. Triggers
keep it (an alliance inserted or given another proposal, lead unit or jurisdiction; a unit or
a proposal moved to another region); an index serves the department's drill-down list
(lianmeng.insight.selectors), which then counts a province's alliances by the index instead of
joining every alliance of the country to its proposal and lead unit. Not a Django field; nothing
changes on SQLite."""

from django.db import migrations

from lianmeng.core.textsearch import PostgresOnlySQL

TABLE = "alliances_alliance"
AREA = (
    "CASE WHEN {a}.proposal_id IS NOT NULL "
    "THEN (SELECT p.region_id FROM proposals_proposal p WHERE p.id = {a}.proposal_id) "
    "ELSE coalesce((SELECT u.region_id FROM core_unit u WHERE u.id = {a}.lead_unit_id), "
    "{a}.jurisdiction_id) END"
)

FORWARDS = [
    f"ALTER TABLE {TABLE} ADD COLUMN area_id integer",
    # the alliance's own row: on insert and when what decides its area changes
    f"""CREATE FUNCTION {TABLE}_area() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.area_id := {AREA.format(a="NEW")}; RETURN NEW; END $$""",
    f"CREATE TRIGGER {TABLE}_area BEFORE INSERT OR UPDATE OF proposal_id, lead_unit_id, "
    f"jurisdiction_id ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TABLE}_area()",
    # a lead unit moved to another region: the alliances it leads without a proposal
    (  # constant names, no input
        "CREATE FUNCTION core_unit_moved_alliance_area() RETURNS trigger "  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
        "LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {TABLE} SET area_id = coalesce(NEW.region_id, jurisdiction_id) "
        "WHERE lead_unit_id = NEW.id AND proposal_id IS NULL; RETURN NULL; END $$"
    ),
    "CREATE TRIGGER core_unit_moved_alliance_area AFTER UPDATE OF region_id ON core_unit "
    "FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) "
    "EXECUTE FUNCTION core_unit_moved_alliance_area()",
    # …and inserted after its alliance (a restore loads the tables in any order: the
    # foreign keys are checked at the commit)
    "CREATE TRIGGER core_unit_added_alliance_area AFTER INSERT ON core_unit "
    "FOR EACH ROW EXECUTE FUNCTION core_unit_moved_alliance_area()",
    # a proposal moved to another region: its alliance
    (  # constant names, no input
        "CREATE FUNCTION proposals_moved_alliance_area() RETURNS trigger "  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
        "LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {TABLE} SET area_id = NEW.region_id WHERE proposal_id = NEW.id; "
        "RETURN NULL; END $$"
    ),
    "CREATE TRIGGER proposals_moved_alliance_area AFTER UPDATE OF region_id "
    "ON proposals_proposal FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) "
    "EXECUTE FUNCTION proposals_moved_alliance_area()",
    "CREATE TRIGGER proposals_added_alliance_area AFTER INSERT ON proposals_proposal "
    "FOR EACH ROW EXECUTE FUNCTION proposals_moved_alliance_area()",
    f"UPDATE {TABLE} a SET area_id = {AREA.format(a='a')}",  # noqa: S608  # nosec B608 (constant SQL)
    f"CREATE INDEX {TABLE}_area ON {TABLE} (area_id)",
]
BACKWARDS = [
    f"DROP INDEX IF EXISTS {TABLE}_area",
    "DROP TRIGGER IF EXISTS proposals_added_alliance_area ON proposals_proposal",
    "DROP TRIGGER IF EXISTS proposals_moved_alliance_area ON proposals_proposal",
    "DROP FUNCTION IF EXISTS proposals_moved_alliance_area()",
    "DROP TRIGGER IF EXISTS core_unit_added_alliance_area ON core_unit",
    "DROP TRIGGER IF EXISTS core_unit_moved_alliance_area ON core_unit",
    "DROP FUNCTION IF EXISTS core_unit_moved_alliance_area()",
    f"DROP TRIGGER IF EXISTS {TABLE}_area ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_area()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS area_id",
]


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0010_duplicate_search"),
        ("proposals", "0005_roster_entries"),
        ("core", "0005_cjk_name_search"),
    ]
    operations = [PostgresOnlySQL(FORWARDS, BACKWARDS)]
