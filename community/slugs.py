"""Slugs for the pages of things people create: organisations, news, partnerships, calls,
library items and collections, trends.

`unique_slug` is the title slugified (cut to `max_length`, "-2", "-3" … after a taken one,
never a reserved page path), found with one query. `save_with_unique_slug` inserts a new row
with such a slug and, when another request took the same slug between the check and the
insert (the unique constraint refuses it), takes the next free one instead of failing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

ATTEMPTS = 5


def unique_slug(
    model: type[models.Model],
    text: str,
    *,
    fallback: str,
    reserved: Collection[str] = (),
    max_length: int = 200,
) -> str:
    """A slug of `text` no row of `model` has and not in `reserved`; `fallback` when
    `text` has no letter or digit a slug can keep."""
    base = slugify(text)[:max_length].strip("-") or fallback
    manager: Any = model._default_manager
    pattern = rf"^{re.escape(base)}(-[0-9]+)?$"
    taken = set(manager.filter(slug__regex=pattern).values_list("slug", flat=True))
    taken.update(reserved)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def save_with_unique_slug(
    instance: models.Model,
    text: str,
    *,
    fallback: str,
    reserved: Collection[str] = (),
    max_length: int = 200,
) -> None:
    """Insert `instance` (not saved yet) with a unique slug of `text`, retrying with the
    next free slug when a concurrent insert took it; other integrity errors are raised."""
    model = type(instance)
    manager: Any = model._default_manager
    for attempt in range(ATTEMPTS):
        slug = unique_slug(model, text, fallback=fallback, reserved=reserved, max_length=max_length)
        instance.slug = slug  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == ATTEMPTS - 1 or not manager.filter(slug=slug).exists():
                raise
