"""Organisations' stored search document stemmed in the profile's language (PostgreSQL only).

0005_search_europe made `search_document` with 'clusterhub_english' for every row, because
organisations had no `language` yet; 0006_text_language added it. The generated column now
picks the configuration by `language`, as community.search `organisation_search_vector()`
does (fr → clusterhub_french, …, anything else → clusterhub_english), so a French profile's
"industrielles" is found by "industriel". A CASE over constant configurations is IMMUTABLE,
as a generated column needs. Backwards: the english document again.
"""

from django.db import migrations

CONFIGS = {
    "fr": "clusterhub_french",
    "de": "clusterhub_german",
    "es": "clusterhub_spanish",
    "it": "clusterhub_italian",
}
CONFIG = (
    'CASE "language" '
    + " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in CONFIGS.items())
    + " ELSE 'clusterhub_english'::regconfig END"
)
DOCUMENT = (
    f"setweight(to_tsvector({CONFIG}, COALESCE(\"name\", '')), 'A') || "
    f"setweight(to_tsvector({CONFIG}, COALESCE(\"search_text\", '')), 'B')"
)
ENGLISH_DOCUMENT = (
    "setweight(to_tsvector('clusterhub_english'::regconfig, COALESCE(\"name\", '')), 'A') || "
    "setweight(to_tsvector('clusterhub_english'::regconfig, COALESCE(\"search_text\", '')), 'B')"
)


def _replace_document(schema_editor, document: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS org_search_document")
        cursor.execute("ALTER TABLE community_organisation DROP COLUMN IF EXISTS search_document")
        cursor.execute(
            "ALTER TABLE community_organisation ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({document}) STORED"
        )
        cursor.execute(
            "CREATE INDEX org_search_document ON community_organisation USING gin (search_document)"
        )


def forwards(apps, schema_editor):
    _replace_document(schema_editor, DOCUMENT)


def backwards(apps, schema_editor):
    _replace_document(schema_editor, ENGLISH_DOCUMENT)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0009_partnership_language"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
