"""Full-text search storage for the directory on PostgreSQL; nothing on other databases.

- `search_document`: a STORED generated tsvector column holding exactly the document of
  community.search `organisation_search_vector()` (name weighted A, search_text weighted B,
  'english' configuration). PostgreSQL keeps it up to date on every write; the selector reads
  it instead of recomputing `to_tsvector` per row (which cost ~200 ms on a 1,700-row
  candidate set). It is not a model field: SQLite cannot compute it, and Django leaves
  columns it does not know alone. Change both together.
- `org_search_document`: GIN index on it, used by `@@` (checked with EXPLAIN in
  tests/community/test_directory_search.py).
- `org_name_trgm`: trigram GIN over `UPPER(name::text)`, the expression of Django's
  `name__icontains` on PostgreSQL, for the substring match on names. Only made when the
  pg_trgm extension is available and may be created; without it searches still work.
"""

from django.db import DatabaseError, migrations, transaction

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"name\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"search_text\", '')), 'B')"
)
ADD_COLUMN = (
    "ALTER TABLE community_organisation ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
)
DOCUMENT_INDEX = (
    "CREATE INDEX IF NOT EXISTS org_search_document ON community_organisation "
    "USING gin (search_document)"
)
TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS org_name_trgm ON community_organisation "
    'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(ADD_COLUMN)
        cursor.execute(DOCUMENT_INDEX)
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(TRGM_INDEX)
        except DatabaseError:
            # No right to create the extension: substring matches on names scan instead.
            pass


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS org_name_trgm")
        cursor.execute("DROP INDEX IF EXISTS org_search_document")
        cursor.execute("ALTER TABLE community_organisation DROP COLUMN IF EXISTS search_document")
        # The pg_trgm extension stays: other indexes may use it.


class Migration(migrations.Migration):
    dependencies = [("community", "0002_ecosystems")]

    operations = [migrations.RunPython(create, drop)]
