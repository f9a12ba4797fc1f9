"""Reads and access gates for ClusterXchange listings (offers and demands).

Who may do what (the services trust these answers and re-check them; the matrix is
tests/messaging/test_listings_access.py):

- see a listing that is *live* (open, not past its `valid_until`, organisation published):
  everyone, like the ECCP partner search;
- see any other listing (closed, expired, or of an organisation no longer published): members
  (any role) of its organisation, people in an active conversation about it, its followers
  (so the notice "this listing was closed" leads somewhere) and staff; anyone else gets
  Http404, so its existence does not leak;
- post: a member (any role) of a published organisation, with a verified email address;
- edit / close / reopen: the author while still a member, the organisation's admins and
  editors, staff;
- delete: the author while still a member, the organisation's admins, staff;
- follow: any logged-in user who may see the listing;
- express interest: any logged-in user with a verified email who may see the listing and is
  not a member of its organisation, while the listing is live.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from community.models import (
    Ecosystem,
    ModerationStatus,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
)
from community.search import search_vector, text_search
from messaging.models import (
    Listing,
    ListingCategory,
    ListingFollow,
    ListingKind,
    ListingStatus,
    Participant,
)

if TYPE_CHECKING:
    from community.models import User

# A User, an AnonymousUser or None: every gate answers for all three.
AnyUser = Any

EDITOR_ROLES = frozenset({OrganisationRole.ADMIN, OrganisationRole.EDITOR})
MAX_QUERY_LENGTH = 200


# --- Who is who ------------------------------------------------------------------------


def _is_active(user: AnyUser) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_staff(user: AnyUser) -> bool:
    return _is_active(user) and bool(user.is_staff)


def _role_in(user: AnyUser, organisation_id: int) -> str | None:
    if not _is_active(user):
        return None
    cache: dict[int, str | None] = getattr(user, "_listing_role_cache", {})
    if organisation_id not in cache:
        cache[organisation_id] = (
            OrganisationMembership.objects.filter(organisation_id=organisation_id, user=user)
            .values_list("role", flat=True)
            .first()
        )
        user._listing_role_cache = cache
    return cache[organisation_id]


def listing_live_q(prefix: str = "") -> Q:
    """The listings that are live (open, not expired, organisation published), as a filter;
    `prefix` reaches them through a relation ("listing__")."""
    today = timezone.localdate()
    return Q(
        **{
            f"{prefix}status": ListingStatus.OPEN,
            f"{prefix}organisation__status": ModerationStatus.PUBLISHED,
        }
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today}))


def listing_is_live(listing: Listing) -> bool:
    """Open, not expired, and its organisation is published: public and open to interest."""
    return listing.is_open and listing.organisation.status == ModerationStatus.PUBLISHED


def _visible_q(user: AnyUser) -> Q:
    if _is_staff(user):
        return Q()
    visible = listing_live_q()
    if not _is_active(user):
        return visible
    member = Exists(
        OrganisationMembership.objects.filter(
            organisation_id=OuterRef("organisation_id"), user=user
        )
    )
    in_conversation = Exists(
        Participant.objects.filter(
            conversation__listing_id=OuterRef("pk"), user=user, left_at__isnull=True
        )
    )
    following = Exists(ListingFollow.objects.filter(listing_id=OuterRef("pk"), user=user))
    return visible | Q(member) | Q(in_conversation) | Q(following)


def listing_can_view(user: AnyUser, listing: Listing) -> bool:
    if listing_is_live(listing) or _is_staff(user):
        return True
    if not _is_active(user):
        return False
    return Listing.objects.filter(_visible_q(user), pk=listing.pk).exists()


def listing_can_edit(user: AnyUser, listing: Listing) -> bool:
    """Edit, close, reopen: the author while a member, the organisation's admins and editors."""
    if _is_staff(user):
        return True
    role = _role_in(user, listing.organisation_id)
    if role is None:
        return False
    return role in EDITOR_ROLES or listing.author_id == user.pk


def listing_can_delete(user: AnyUser, listing: Listing) -> bool:
    """Delete: the author while a member, the organisation's admins."""
    if _is_staff(user):
        return True
    role = _role_in(user, listing.organisation_id)
    if role is None:
        return False
    return role == OrganisationRole.ADMIN or listing.author_id == user.pk


def listing_can_follow(user: AnyUser, listing: Listing) -> bool:
    return _is_active(user)


def listing_interest_refusal(user: AnyUser, listing: Listing) -> str | None:
    """Why `user` may not express interest in `listing`, or None when they may."""
    if not _is_active(user):
        return _("Log in to express interest.")
    if not user.email_verified:
        return _("Verify your email address before contacting an organisation.")
    if _role_in(user, listing.organisation_id) is not None:
        return _("This listing belongs to your own organisation.")
    if not listing_is_live(listing):
        return _(
            "This listing is closed or has expired; it no longer takes expressions of interest."
        )
    return None


# --- Posting ---------------------------------------------------------------------------


def listing_postable_organisations(user: AnyUser) -> QuerySet[Organisation]:
    """Published organisations `user` belongs to (any role), if their email is verified."""
    if not (_is_active(user) and user.email_verified):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        status=ModerationStatus.PUBLISHED, memberships__user=user
    ).order_by("name")


def listing_can_post(user: AnyUser) -> bool:
    return listing_postable_organisations(user).exists()


# --- Gates -----------------------------------------------------------------------------


def _with_relations(queryset: QuerySet[Listing], user: AnyUser) -> QuerySet[Listing]:
    queryset = queryset.select_related("organisation", "author").prefetch_related("ecosystems")
    if _is_active(user):
        queryset = queryset.annotate(
            is_following=Exists(ListingFollow.objects.filter(listing_id=OuterRef("pk"), user=user))
        )
    else:
        queryset = queryset.annotate(is_following=Value(False, output_field=BooleanField()))
    return queryset


def listing_get_for(user: AnyUser, listing_id: Any) -> Listing:
    """The listing `listing_id` if `user` may see it (module docstring), else Http404."""
    try:
        pk = int(listing_id)
    except (TypeError, ValueError):
        raise Http404(_("No such listing.")) from None
    listing = _with_relations(Listing.objects.filter(_visible_q(user), pk=pk), user).first()
    if listing is None:
        raise Http404(_("No such listing."))
    return listing


def listing_is_following(user: AnyUser, listing: Listing) -> bool:
    annotated = getattr(listing, "is_following", None)
    if annotated is not None:
        return bool(annotated)
    if not _is_active(user):
        return False
    return ListingFollow.objects.filter(listing=listing, user=user).exists()


# --- Search ----------------------------------------------------------------------------

SORTS = {"newest", "valid_until"}
STATUSES = {"open", "closed", "all"}


@dataclass(frozen=True)
class ListingSearchParams:
    """Validated search filters. Empty strings mean "no filter"."""

    q: str = ""
    kind: str = ""
    category: str = ""
    ecosystem: str = ""
    country: str = ""
    target_country: str = ""
    status: str = "open"
    sort: str = "newest"


def listing_search_params(raw: Mapping[str, Any]) -> ListingSearchParams:
    """Validate raw query parameters; ValidationError naming every bad parameter."""

    def get(name: str) -> str:
        # NUL never belongs in a filter, and PostgreSQL refuses it in a query (a 500).
        value = raw.get(name, "")
        return str(value).replace("\x00", "").strip() if value is not None else ""

    errors: dict[str, str] = {}
    kind, category = get("kind"), get("category")
    if kind and kind not in ListingKind.values:
        errors["kind"] = _("Unknown kind “%(value)s”; use one of: %(choices)s.") % {
            "value": kind,
            "choices": ", ".join(ListingKind.values),
        }
    if category and category not in ListingCategory.values:
        errors["category"] = _("Unknown category “%(value)s”; use one of: %(choices)s.") % {
            "value": category,
            "choices": ", ".join(ListingCategory.values),
        }
    ecosystem = get("ecosystem")
    if ecosystem and not Ecosystem.objects.filter(slug=ecosystem).exists():
        errors["ecosystem"] = _("Unknown ecosystem “%(value)s”.") % {"value": ecosystem}
    country, target = get("country").upper(), get("target_country").upper()
    for name, code in (("country", country), ("target_country", target)):
        if code and code not in countries:
            errors[name] = _("Unknown country code “%(value)s” (use ISO 3166-1 alpha-2).") % {
                "value": get(name)
            }
    status = get("status") or "open"
    if status not in STATUSES:
        errors["status"] = _("Unknown status “%(value)s”; use open, closed or all.") % {
            "value": status
        }
    sort = get("sort") or "newest"
    if sort not in SORTS:
        errors["sort"] = _("Unknown sort “%(value)s”; use newest or valid_until.") % {"value": sort}
    if errors:
        raise ValidationError(errors)
    return ListingSearchParams(
        q=get("q")[:MAX_QUERY_LENGTH],
        kind=kind,
        category=category,
        ecosystem=ecosystem,
        country=country,
        target_country=target,
        status=status,
        sort=sort,
    )


def _text_search(queryset: QuerySet[Listing], q: str) -> QuerySet[Listing]:
    """community.search's search (accents, case, place names, each row's language), with the
    listing's `search_text` as the document and its title as the headline."""
    return text_search(
        queryset,
        q,
        headline="title",
        document=lambda: search_vector(("search_text", "B")),
        words_in=("search_text",),
    )


def listing_search(
    params: ListingSearchParams | Mapping[str, Any], *, user: AnyUser = None
) -> QuerySet[Listing]:
    """Listings matching `params`, limited to what `user` may see.

    `status` "open" (default) keeps live listings only (open, not expired); "closed" the
    closed or expired ones the user may see; "all" both. `target_country` also keeps
    listings open to any country. `q` is community.search's text search: full-text on
    PostgreSQL, "every word appears" on SQLite, accents and case ignored on both.
    Raises ValidationError naming a bad parameter.
    """
    if not isinstance(params, ListingSearchParams):
        params = listing_search_params(params)
    queryset = Listing.objects.filter(_visible_q(user))
    if params.status == "open":
        queryset = queryset.filter(listing_live_q())
    elif params.status == "closed":
        queryset = queryset.exclude(listing_live_q())
    if params.kind:
        queryset = queryset.filter(kind=params.kind)
    if params.category:
        queryset = queryset.filter(category=params.category)
    if params.ecosystem:
        queryset = queryset.filter(
            Exists(
                Listing.ecosystems.through.objects.filter(
                    listing_id=OuterRef("pk"), ecosystem_id=params.ecosystem
                )
            )
        )
    if params.country:
        queryset = queryset.filter(organisation__country=params.country)
    if params.target_country:
        # Codes are stored comma-separated ("DE,FR"); two letters never straddle a comma.
        queryset = queryset.filter(
            Q(target_countries__contains=params.target_country) | Q(target_countries="")
        )
    if params.q:
        queryset = _text_search(queryset, params.q)
    if params.sort == "valid_until":
        far = datetime.date(9999, 12, 31)
        queryset = queryset.annotate(deadline=Coalesce("valid_until", Value(far))).order_by(
            "deadline", "-created_at", "-id"
        )
    else:
        queryset = queryset.order_by("-created_at", "-id")
    return _with_relations(queryset, user)


# --- Lists for "my listings" -----------------------------------------------------------


def listing_list_for_my_organisations(user: AnyUser) -> QuerySet[Listing]:
    """Every listing (any status) of the organisations `user` belongs to, newest first."""
    if not _is_active(user):
        return Listing.objects.none()
    queryset = Listing.objects.filter(organisation__memberships__user=user).order_by(
        "-created_at", "-id"
    )
    return _with_relations(queryset, user)


def listing_list_followed_by(user: AnyUser) -> QuerySet[Listing]:
    """Listings `user` follows that they may still see, most recently followed first."""
    if not _is_active(user):
        return Listing.objects.none()
    queryset = (
        Listing.objects.filter(_visible_q(user), follows__user=user)
        .annotate(followed_at=F("follows__created_at"))
        .order_by("-followed_at", "-id")
    )
    return _with_relations(queryset, user)


def listing_own_organisation_ids(user: AnyUser) -> set[int]:
    """The organisations `user` belongs to (none for a visitor): their listings get no
    "Contact" link."""
    if not _is_active(user):
        return set()
    return set(
        OrganisationMembership.objects.filter(user=user).values_list("organisation_id", flat=True)
    )


def listing_list_for_organisation(user: AnyUser, organisation: Organisation) -> QuerySet[Listing]:
    """The live listings (open, not expired) of `organisation`, newest first: none unless
    it is published."""
    return listing_search(ListingSearchParams(), user=user).filter(organisation=organisation)


def listing_follower_ids(listing: Listing) -> list[int]:
    return list(
        ListingFollow.objects.filter(listing=listing)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def listing_counterparts(listing: Listing) -> list[User]:
    """Who answers an expression of interest: the author (if still a member) and the admins.

    Admins first by join date, then the author; no duplicates; only active accounts.
    """
    from community.models import User

    memberships = OrganisationMembership.objects.filter(
        organisation_id=listing.organisation_id, user__is_active=True
    )
    admin_ids = list(
        memberships.filter(role=OrganisationRole.ADMIN)
        .order_by("created_at", "id")
        .values_list("user_id", flat=True)
    )
    ids = list(admin_ids)
    if (
        listing.author_id is not None
        and listing.author_id not in ids
        and memberships.filter(user_id=listing.author_id).exists()
    ):
        ids.append(listing.author_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    return [users[i] for i in ids if i in users]
