"""Full-text search over organisations: the document each profile is indexed by."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from community.models import Organisation

_TAG_RE = re.compile(r"<[^>]+>")


def organisation_search_text(organisation: Organisation) -> str:
    """The plain text a profile is found by: names, place, description, taxonomy, tags.

    Services store it in `Organisation.search_text` whenever a profile changes; call it after
    the many-to-many fields (ecosystems, tags) are set.
    """
    parts = [
        organisation.name,
        organisation.acronym,
        organisation.city,
        str(organisation.country.name) if organisation.country else "",
        _TAG_RE.sub(" ", organisation.description),
        organisation.cooperation_interests,
    ]
    if organisation.pk:
        parts += [e.name for e in organisation.ecosystems.all()]
        parts += [t.name for t in organisation.tags.all()]
    return " ".join(p for p in parts if p)
