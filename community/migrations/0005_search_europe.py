"""Search for Europe on PostgreSQL (community/search.py, community/folding.py); nothing on
other databases.

- The `unaccent` extension (docs/operations.md: it must exist or be creatable).
- `clusterhub_fold(text)`: IMMUTABLE `lower(unaccent(text))`, indexable. Where a C-language
  function may be created (a superuser runs the migration), unaccent's C entry point is
  declared IMMUTABLE as `clusterhub_unaccent(regdictionary, text)` so that `clusterhub_fold`
  is inlined by the planner (about 1 µs a row); otherwise it wraps `unaccent()` (slower per
  row, same results).
- Text search configurations `clusterhub_<language>` (english, french, german, spanish,
  italian, simple): the language's own, with `unaccent` before its dictionary for words with
  letters outside ASCII.
- `search_document` re-made with the 'clusterhub_english' configuration (the document of
  community.search `organisation_search_vector()`), its GIN index `org_search_document`.
- `org_name_fold_trgm`: trigram GIN over `clusterhub_fold(name)` (the accent-free substring
  match on names) replaces `org_name_trgm` over `UPPER(name)`. Only with pg_trgm.
"""

from django.db import DatabaseError, migrations, transaction

LANGUAGES = ("english", "french", "german", "spanish", "italian")

DOCUMENT = (
    "setweight(to_tsvector('clusterhub_english'::regconfig, COALESCE(\"name\", '')), 'A') || "
    "setweight(to_tsvector('clusterhub_english'::regconfig, COALESCE(\"search_text\", '')), 'B')"
)
OLD_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"name\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"search_text\", '')), 'B')"
)
FOLD_TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS org_name_fold_trgm ON community_organisation "
    'USING gin (clusterhub_fold("name"::text) gin_trgm_ops)'
)
OLD_TRGM_INDEX = (
    "CREATE INDEX IF NOT EXISTS org_name_trgm ON community_organisation "
    'USING gin ((UPPER("name"::text)) gin_trgm_ops)'
)
NO_UNACCENT = (
    "The PostgreSQL extension 'unaccent' is missing and this database user may not create it. "
    "Run `CREATE EXTENSION unaccent;` as a superuser in this database (it ships with "
    "PostgreSQL's contrib package), then migrate again. See docs/operations.md."
)


def _replace_document(cursor, document: str) -> None:
    cursor.execute("DROP INDEX IF EXISTS org_search_document")
    cursor.execute("ALTER TABLE community_organisation DROP COLUMN IF EXISTS search_document")
    cursor.execute(
        "ALTER TABLE community_organisation ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({document}) STORED"
    )
    cursor.execute(
        "CREATE INDEX org_search_document ON community_organisation USING gin (search_document)"
    )


def _savepoint(connection, statements: list[str]) -> bool:
    """Run `statements` together; False (and nothing done) when the database refuses."""
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    except DatabaseError:
        return False
    return True


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    if not _savepoint(connection, ["CREATE EXTENSION IF NOT EXISTS unaccent"]):
        raise RuntimeError(NO_UNACCENT)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        schema = cursor.fetchone()[0]
    dictionary = f"regdictionary '{schema}.unaccent'"
    fast = _savepoint(
        connection,
        [
            "CREATE OR REPLACE FUNCTION clusterhub_unaccent(regdictionary, text) RETURNS text "
            "LANGUAGE c IMMUTABLE PARALLEL SAFE STRICT AS '$libdir/unaccent', 'unaccent_dict'",
            "CREATE OR REPLACE FUNCTION clusterhub_fold(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            f"AS $$ SELECT lower(clusterhub_unaccent({dictionary}, $1)) $$",
        ],
    )
    with connection.cursor() as cursor:
        if not fast:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION clusterhub_fold(text) RETURNS text "
                "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
                f"AS $$ SELECT lower({schema}.unaccent({dictionary}, $1)) $$"
            )
        for language in (*LANGUAGES, "simple"):
            name = f"clusterhub_{language}"
            dictionary_name = "simple" if language == "simple" else f"{language}_stem"
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [name])
            if cursor.fetchone() is not None:
                continue
            cursor.execute(
                f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{language})"
            )
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR word, hword, "
                f"hword_part WITH {schema}.unaccent, {dictionary_name}"
            )
        _replace_document(cursor, DOCUMENT)
        cursor.execute("DROP INDEX IF EXISTS org_name_trgm")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        trgm = cursor.fetchone() is not None
    if trgm or _savepoint(connection, ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]):
        with connection.cursor() as cursor:
            cursor.execute(FOLD_TRGM_INDEX)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS org_name_fold_trgm")
        _replace_document(cursor, OLD_DOCUMENT)
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            cursor.execute(OLD_TRGM_INDEX)
        for language in (*LANGUAGES, "simple"):
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS clusterhub_{language}")
        cursor.execute("DROP FUNCTION IF EXISTS clusterhub_fold(text)")
        cursor.execute("DROP FUNCTION IF EXISTS clusterhub_unaccent(regdictionary, text)")
        # The unaccent extension stays: other objects may use it.


class Migration(migrations.Migration):
    dependencies = [("community", "0004_moderation_log")]

    operations = [migrations.RunPython(create, drop)]
