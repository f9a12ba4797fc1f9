"""Rich text is stored as the markdown subset (community.richtext), no longer as HTML.

Forwards converts the sanitised HTML of organisation descriptions, partnership descriptions
and news bodies to markdown that renders to the same HTML; backwards renders it back to HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import migrations

from community.richtext import html_to_markdown, render_markdown

FIELDS = [("Organisation", "description"), ("Partnership", "description"), ("NewsItem", "body")]


def _convert(apps: Any, convert: Callable[[str], str]) -> None:
    for model_name, field in FIELDS:
        model = apps.get_model("community", model_name)
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
    dependencies = [("community", "0004_moderation_log")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
