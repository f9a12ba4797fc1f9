"""No person has two overlapping bookings unless both are sessions (matchmaking/models/
meetings.py): an exclusion constraint on PostgreSQL, triggers on SQLite.

PostgreSQL: the person and the time compared with `&&` on ranges, so no extension is needed
(btree_gist would be for `user_id WITH =`); the third range is a session's own id, or
everything for a meeting or a hold, so two different sessions never conflict while a meeting
or a hold conflicts with anything of the same person at the same time. SQLite runs one write
at a time, so a trigger that looks before it writes is as strict.
"""

from django.db import migrations

PG_ADD = """
ALTER TABLE matchmaking_booking ADD CONSTRAINT mm_booking_no_overlap EXCLUDE USING gist (
    int8range(user_id, user_id, '[]') WITH &&,
    tstzrange(starts_at, ends_at, '[)') WITH &&,
    (CASE WHEN kind = 'session' THEN int8range(session_id, session_id, '[]')
          ELSE int8range(NULL, NULL) END) WITH &&
)
"""
PG_DROP = "ALTER TABLE matchmaking_booking DROP CONSTRAINT mm_booking_no_overlap"

SQLITE_CLASH = """
EXISTS (SELECT 1 FROM matchmaking_booking b
        WHERE b.user_id = NEW.user_id AND b.id IS NOT NEW.id
          AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
          AND NOT (b.kind = 'session' AND NEW.kind = 'session'
                   AND b.session_id IS NOT NEW.session_id))
"""
SQLITE_ADD = [
    f"""CREATE TRIGGER mm_booking_no_overlap_insert BEFORE INSERT ON matchmaking_booking
    WHEN {SQLITE_CLASH}
    BEGIN SELECT RAISE(ABORT, 'mm_booking_no_overlap'); END""",
    f"""CREATE TRIGGER mm_booking_no_overlap_update BEFORE UPDATE ON matchmaking_booking
    WHEN {SQLITE_CLASH}
    BEGIN SELECT RAISE(ABORT, 'mm_booking_no_overlap'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS mm_booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS mm_booking_no_overlap_update",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_ADD], "sqlite": SQLITE_ADD}),
            _run({"postgresql": [PG_DROP], "sqlite": SQLITE_DROP}),
        )
    ]
