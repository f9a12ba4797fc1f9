"""`make messages` runs this between makemessages and compilemessages.

- Every catalogue is saved in one layout, polib's (msgmerge would rewrap long entries
  whichever gettext version ran, and every merge with a translator's work would conflict).
- The English catalogues say their msgids again: English is the language the sources are
  written in, so each msgstr is its msgid (and each plural form its msgid or msgid_plural).
  An empty msgstr would work the same at run time, but a catalogue with no translated entry
  reads as untranslated to every tool that checks one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SOURCE_LANGUAGE = "en"
WRAP_WIDTH = 78


class Command(BaseCommand):
    help = "Save the .po files in one layout and fill the English ones with their msgids."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import polib  # type: ignore[import-untyped]  # a development requirement
        except ImportError as error:
            raise CommandError("pip install -r requirements-dev.txt (polib)") from error
        for folder in settings.LOCALE_PATHS:
            for path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(path), wrapwidth=WRAP_WIDTH)
                if path.parts[-3] == SOURCE_LANGUAGE:
                    for entry in catalogue:
                        if entry.msgid_plural:
                            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                        else:
                            entry.msgstr = entry.msgid
                        if "fuzzy" in entry.flags:
                            entry.flags.remove("fuzzy")
                catalogue.save()
