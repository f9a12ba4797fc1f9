"""Listing descriptions are stored as the markdown subset (community.richtext), no longer as
the HTML they were rendered to. Forwards converts that HTML to markdown that renders to the
same HTML; backwards renders it back to HTML. (Message bodies were markdown already.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations

from community.richtext import html_to_markdown, render_markdown

FIELDS = [("Listing", "description")]


def _convert(apps: Any, convert: Callable[[str], str]) -> None:
    for model_name, field in FIELDS:
        model = apps.get_model("messaging", model_name)
        changed = []
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            new = convert(value)
            if new != value:
                changed.append(model(pk=pk, **{field: new}))
            if len(changed) >= 500:
                model.objects.bulk_update(changed, [field])
                changed = []
        model.objects.bulk_update(changed, [field])


def forwards(apps: Any, schema_editor: Any) -> None:
    _convert(apps, html_to_markdown)


def backwards(apps: Any, schema_editor: Any) -> None:
    _convert(apps, render_markdown)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_interest_one_to_one")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
