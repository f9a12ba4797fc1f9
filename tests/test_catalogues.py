"""The translation catalogues stay complete, correct and compiled (CI runs this file).

Fails when a fr/de/es/it entry of the django or djangojs domain is untranslated or fuzzy,
when a translation loses, adds or alters a placeholder, when a committed .mo is not the
compilation of its .po, and when the sources hold a string that no catalogue has yet (run
`make messages`, then translate the new entries).
"""

from __future__ import annotations

import re

import polib
import pytest

from tests.catalogue_support import (
    DOMAINS,
    LANGUAGES,
    catalogue_path,
    entry_key,
    source_entries,
)

CATALOGUES = [(language, domain) for language in LANGUAGES for domain in DOMAINS]
# %(name)s, %s, %d … as Python formats them; %% is a literal percent sign.
PYTHON_FORMAT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa%]")
# What a plural form may leave out: the count ("%(n)s" of blocktranslate count n=…).
COUNTS = {"%(n)s", "%(count)s", "%(counter)s", "%s", "%d"}


def catalogue(language: str, domain: str) -> polib.POFile:
    path = catalogue_path(language, domain)
    assert path.exists(), f"{path} is missing: run `make messages`"
    return polib.pofile(str(path))


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PYTHON_FORMAT.findall(text) if p != "%%")


def describe(entries: list[polib.POEntry], limit: int = 15) -> str:
    shown = "\n".join(f"  {e.msgid[:90]!r}" for e in entries[:limit])
    more = f"\n  … and {len(entries) - limit} more" if len(entries) > limit else ""
    return shown + more


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_every_entry_is_translated_and_none_is_fuzzy(language, domain):
    po = catalogue(language, domain)
    live = [e for e in po if not e.obsolete]
    untranslated = [e for e in live if not all(t.strip() for t in translations(e))]
    fuzzy = [e for e in live if "fuzzy" in e.flags]
    assert not untranslated, (
        f"{language}/{domain}: {len(untranslated)} of {len(live)} entries are not translated:\n"
        + describe(untranslated)
    )
    assert not fuzzy, f"{language}/{domain}: fuzzy entries:\n" + describe(fuzzy)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_english_catalogue_says_its_msgids(domain):
    """English is the sources' language: `make messages` (tidy_catalogues) fills each msgstr
    with its msgid, so no tool reads the English catalogue as untranslated."""
    po = catalogue("en", domain)
    expected = {
        e.msgid: [e.msgid, e.msgid_plural] if e.msgid_plural else [e.msgid]
        for e in po
        if not e.obsolete
    }
    wrong = [e for e in po if not e.obsolete and translations(e) != expected[e.msgid]]
    assert po.translated_entries(), f"en/{domain}: no translated entry"
    assert not wrong, f"en/{domain}: entries not saying their msgid:\n" + describe(wrong)


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_translations_keep_every_placeholder(language, domain):
    """A lost or misspelt %(name)s raises KeyError or shows the wrong value at run time."""
    broken = []
    for entry in catalogue(language, domain):
        if entry.obsolete or "%" not in entry.msgid + (entry.msgid_plural or ""):
            continue
        if not entry.msgid_plural:
            if entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
                broken.append(entry)
            continue
        # Plural forms: none may bring a placeholder the source lacks, and each keeps the
        # plural's placeholders, except the count itself ("une seule" for n = 1).
        allowed = set(placeholders(entry.msgid) + placeholders(entry.msgid_plural))
        required = set(placeholders(entry.msgid_plural)) - COUNTS
        for text in translations(entry):
            found = set(placeholders(text))
            if text and (found - allowed or required - found):
                broken.append(entry)
                break
    assert not broken, f"{language}/{domain}: placeholders changed:\n" + describe(broken)


@pytest.mark.parametrize(("language", "domain"), [*CATALOGUES, *[("en", d) for d in DOMAINS]])
def test_the_committed_mo_is_the_compiled_po(language, domain):
    po = catalogue(language, domain)
    mo_path = catalogue_path(language, domain).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    mo = polib.mofile(str(mo_path))
    compiled = {entry_key(e): translations(e) for e in mo if e.msgid}
    expected = {
        entry_key(e): translations(e)
        for e in po
        if not e.obsolete and "fuzzy" not in e.flags and any(translations(e))
    }
    stale = sorted(k[1][:90] for k in set(expected) ^ set(compiled)) + sorted(
        k[1][:90] for k in set(expected) & set(compiled) if expected[k] != compiled[k]
    )
    assert not stale, f"{mo_path} is out of date with its .po (run `make messages`): {stale[:10]}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_string_of_the_sources_is_in_the_catalogues(domain):
    """A new string cannot slip in untranslated: `make messages` would add nothing."""
    source = {entry_key(e): e for e in source_entries(domain)}
    for language in ["en", *LANGUAGES]:
        have = {entry_key(e) for e in catalogue(language, domain) if not e.obsolete}
        new = [source[k] for k in source if k not in have]
        gone = sorted(k[1][:90] for k in have - set(source))
        assert not new, (
            f"{language}/{domain}: strings in the sources but not in the catalogue "
            "(run `make messages` and translate them):\n" + describe(new)
        )
        assert not gone, f"{language}/{domain}: entries no source uses any more: {gone[:10]}"
