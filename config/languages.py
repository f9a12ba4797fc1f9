"""The interface languages: which one a request gets, and the JavaScript catalogue's version.

docs/architecture.md ("Languages") tells the whole story.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings


def catalogue_version() -> str:
    """Changes whenever a compiled catalogue does, so a cached JavaScript catalogue built
    from the previous .mo files is not served after a deploy."""
    digest = hashlib.sha256()
    for folder in settings.LOCALE_PATHS:
        for mo in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]
