"""What `make messages` would gather from the sources, without touching locale/.

Runs the extraction half of Django's makemessages (templatize + xgettext + msguniq) into a
temporary folder and reads the resulting .pot with polib; msgmerge into the five catalogues
(the slow half) is skipped. Used by tests/test_catalogues.py.
"""

from __future__ import annotations

import tempfile
from contextlib import chdir
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.commands.makemessages import Command
from django.core.management.utils import handle_extensions

# The same as the Makefile's `messages` target.
IGNORE = [".venv/*", "node_modules/*", "staticfiles/*", "tests/*", "bench/*", "media/*", "var/*"]
DEFAULT_IGNORE = ["CVS", ".*", "*~", "*.pyc"]
LANGUAGES = ["fr", "de", "es", "it"]  # the translated ones; en is the source
DOMAINS = ["django", "djangojs"]


def source_entries(domain: str) -> list[polib.POEntry]:
    """The entries makemessages would find for `domain` in the project's sources."""
    command = Command()
    command.domain = domain
    command.verbosity = 0
    command.symlinks = False
    # "locale" too: makemessages would otherwise write its .pot into the project's locale/.
    command.ignore_patterns = [*IGNORE, *DEFAULT_IGNORE, "locale"]
    command.xgettext_options = [*Command.xgettext_options, "--no-location"]
    command.msguniq_options = [*Command.msguniq_options, "--no-location"]
    command.no_obsolete = True
    command.keep_pot = False
    command.extensions = handle_extensions(
        ["js"] if domain == "djangojs" else ["html", "txt", "py"]
    )
    command.invoked_for_django = False
    with tempfile.TemporaryDirectory() as folder, chdir(settings.BASE_DIR):
        command.locale_paths = [folder]
        command.default_locale_path = folder
        potfiles = command.build_potfiles()
        if not potfiles:
            return []
        return [entry for entry in polib.pofile(potfiles[0]) if not entry.obsolete]


def catalogue_path(language: str, domain: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def entry_key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


__all__ = ["DOMAINS", "LANGUAGES", "catalogue_path", "entry_key", "source_entries"]
