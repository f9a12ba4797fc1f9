"""Why something is suggested, or why it is not: a code and its parameters, rendered in the
reader's language only when shown.

A reason is data (`Reason(code, params)`), computed from stored rows, so the same data gives
the same reasons; the REST API returns the code and parameters beside the text, so a client
may render them itself. Parameters are people's own texts (titles, kept in their language),
codes of countries and ecosystems (translated when rendered) and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from community.models import Ecosystem

# Why a suggestion is made. Placeholders are filled from the reason's parameters.
SUGGESTED: dict[str, Promise] = {
    # Translators: "their offer «Hydrogen test bench» answers your demand «testing capacity…»"
    "offer_answers_demand": _("Their offer “%(theirs)s” answers your demand “%(yours)s”."),
    "demand_wants_offer": _("Their demand “%(theirs)s” asks for what you offer in “%(yours)s”."),
    "matches_your_profile": _("Their “%(theirs)s” matches what your organisation does."),
    "similar_profile": _("Their profile is close to what your organisation does."),
    "same_ecosystem": _("Both in the %(ecosystem)s ecosystem."),
    "wants_your_country": _("They look for partners in %(country)s, where you are."),
    "same_partnership": _("Members of the same partnership: %(partnership)s."),
    "same_region": _("In your region (%(region)s)."),
    "offer_meets_need": _("What they offer (“%(theirs)s”) meets what you look for."),
    "need_meets_offer": _("They look for what you offer (“%(theirs)s”)."),
    "free_slots": _("Free meeting slots you both have: %(count)s."),
    "event_ecosystem": _("About the %(ecosystem)s ecosystem, like your organisation."),
    "event_partnership": _("Organised by %(partnership)s, of which you are a member."),
    "event_country": _("Takes place in %(country)s, where you are."),
    "event_topic": _("Its programme matches what your organisation does."),
    "event_matchmaking": _(
        "A matchmaking event; participants whose offers answer your needs: %(count)s."
    ),
}

# Why something is not suggested.
NOT_SUGGESTED: dict[str, Promise] = {
    "suggested": _("It is suggested to you (number %(rank)s of the list)."),
    "ranked_lower": _(
        "It matches, but others match better: it is number %(rank)s, and %(shown)s are shown."
    ),
    "own_organisation": _("It is your own organisation."),
    "blocked": _("One of you has blocked the other."),
    "said_no_thanks": _("You said no thanks to them."),
    "they_said_no_thanks": _("They said no thanks to you."),
    "no_free_slot": _("You have no free meeting slot in common."),
    "already_in_touch": _("You already have a meeting or a request with them."),
    "withdrawn": _("They no longer take part in the event."),
    "not_published": _("It is not published."),
    "not_open": _("It is closed or has expired."),
    "past_event": _("The event is over or has been cancelled."),
    "already_registered": _("You are already registered."),
    "outside_ecosystem_filter": _("It is outside your filter: not in the %(ecosystem)s ecosystem."),
    "outside_country_filter": _("It is outside your filter: not in %(country)s."),
    "no_common_ground": _(
        "Nothing in the stored data links you: no listing answers yours, no shared ecosystem, "
        "partnership or target country."
    ),
    "no_organisation": _("You are not a member of an organisation, so there is nothing to match."),
    "not_participant": _("You do not take part in this matchmaking event."),
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        template = SUGGESTED.get(self.code) or NOT_SUGGESTED[self.code]
        return str(template) % _display(self.params)


def _display(params: dict[str, Any]) -> dict[str, Any]:
    shown = dict(params)
    if "ecosystem" in shown:
        shown["ecosystem"] = _ecosystem_label(str(shown["ecosystem"]))
    if "country" in shown:
        shown["country"] = countries.name(str(shown["country"])) or shown["country"]
    return shown


_ECOSYSTEM_NAMES: dict[str, str] = {}


def _ecosystem_label(slug: str) -> str:
    if not _ECOSYSTEM_NAMES:
        _ECOSYSTEM_NAMES.update(Ecosystem.objects.values_list("slug", "name"))
    name = _ECOSYSTEM_NAMES.get(slug, slug)
    return gettext(name)  # the English names are msgids (community.models.taxonomy)


def excerpt(text: str, length: int = 80) -> str:
    """The start of a person's text, on one line, for a reason's parameter."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
