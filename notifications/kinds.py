"""The registry of notification kinds. Adding a kind is one call in an app's `ready()`:

    register_kind("forum.mention", _("Someone mentioned you"), push=True, email=True)

The defaults say which channels a person gets until they change their preferences.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    in_app: bool = True
    push: bool = False
    email: bool = False
    # Part of the daily/weekly digest when unread.
    digest: bool = True


_kinds: dict[str, Kind] = {}


def register_kind(
    key: str,
    label: str | Promise,
    *,
    in_app: bool = True,
    push: bool = False,
    email: bool = False,
    digest: bool = True,
) -> Kind:
    kind = Kind(key=key, label=label, in_app=in_app, push=push, email=email, digest=digest)
    existing = _kinds.get(key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {key!r} is already registered differently.")
    _kinds[key] = kind
    return kind


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}; register it first.") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


# The kinds of the community and ClusterXchange; forums and webinars add theirs.
register_kind("message.new", _("A new private message"), push=True)
register_kind("conversation.added", _("Someone added you to a conversation"), push=True)
register_kind(
    "listing.interest", _("Interest in your organisation's listing"), push=True, email=True
)
register_kind("listing.updated", _("An update to a listing you follow"))
# The community app always emails these itself (transactional mail, also to people without
# an account), so their notification defaults to the app and push only.
register_kind("organisation.reviewed", _("Your organisation was validated or rejected"), push=True)
register_kind("organisation.invited", _("An invitation to join an organisation"), push=True)
