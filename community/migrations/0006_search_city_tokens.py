"""Each organisation's stored search text is folded (accents and case, community.folding) and
gains the tokens of the cities its `city` names (community.place_names `city_tokens`), as
`organisation_search_text()` now writes it: SQLite matches it with a plain LIKE, and a query
naming the city in any language finds it. Both backends; the PostgreSQL document column
follows by itself (generated). Not reversible to the accented text (it is recomputed on the
next save of each profile).
"""

import re

from django.db import migrations

TOKEN_RE = re.compile(r"\s*\bcity\d+geonames\b")


def add_tokens(apps, schema_editor):
    from community.folding import fold
    from community.place_names import city_tokens

    Organisation = apps.get_model("community", "Organisation")
    changed = []
    for org in Organisation.objects.only("pk", "city", "search_text").iterator():
        text = fold(TOKEN_RE.sub("", org.search_text)) or ""
        org.search_text = f"{text} {city_tokens(org.city)}".strip()
        changed.append(org)
        if len(changed) >= 500:
            Organisation.objects.bulk_update(changed, ["search_text"])
            changed = []
    Organisation.objects.bulk_update(changed, ["search_text"])


def remove_tokens(apps, schema_editor):
    Organisation = apps.get_model("community", "Organisation")
    changed = []
    for org in Organisation.objects.filter(search_text__contains="geonames").only(
        "pk", "search_text"
    ):
        org.search_text = TOKEN_RE.sub("", org.search_text)
        changed.append(org)
    Organisation.objects.bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("community", "0005_search_europe")]

    operations = [migrations.RunPython(add_tokens, remove_tokens)]
