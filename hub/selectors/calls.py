"""Reads and access gates for open calls.

Who may do what (the services trust these answers; tests/hub/test_calls_access.py is the
matrix):

- see a published call, open or closed: everyone;
- see an unpublished call: its author, members (any role) of its organisation, staff; anyone
  else gets Http404, so its existence does not leak;
- post: staff (published at once), or a member of a published organisation with a verified
  email address, on behalf of that organisation (moderated) — the rule of news;
- edit / submit: staff always; the author while the call is a draft or rejected and while
  they still belong to its organisation;
- delete: staff, any call; the author, their own call in any status (published too: they
  withdraw it) while they still belong to its organisation (any role), as for editing.
  Admins of the organisation do not edit someone else's call, so they do not delete it
  either;
- publish / reject / see the review queue: staff;
- follow: any signed-in person, a published call that is still open;
- tag a listing with a call: who may edit the listing (messaging's listing_can_edit), a live
  listing and a published open call; untag: the same people, or staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import ModerationStatus, Organisation, OrganisationMembership
from community.search import contains_folded
from community.selectors.news import news_postable_organisations
from hub.models import Call, CallFollow, CallListing, CallModerationLogEntry
from messaging.models import Listing
from messaging.selectors.listings import (
    listing_can_edit,
    listing_list_for_my_organisations,
    listing_live_q,
)

AUTHOR_EDITABLE = (ModerationStatus.DRAFT, ModerationStatus.REJECTED)
OPEN, CLOSED, ANY = "open", "closed", "all"
MAX_QUERY_LENGTH = 200


def _is_active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_staff(user: Any) -> bool:
    return _is_active(user) and bool(user.is_staff)


def _with_relations(queryset: QuerySet[Call]) -> QuerySet[Call]:
    return queryset.select_related("author", "organisation").prefetch_related("ecosystems")


def call_open_q(prefix: str = "") -> Q:
    """Calls whose deadline is still ahead: derived from the clock at each query."""
    return Q(**{f"{prefix}deadline__gt": timezone.now()})


def calls_published() -> QuerySet[Call]:
    """Published calls, open or closed, soonest deadline first."""
    return _with_relations(Call.objects.filter(status=ModerationStatus.PUBLISHED))


def calls_matching(queryset: QuerySet[Call], q: str) -> QuerySet[Call]:
    """Calls whose title, summary, programme or funder contain every word of `q`, accents
    and case ignored (community.folding, as the directory does)."""
    for word in q[:MAX_QUERY_LENGTH].split():
        queryset = queryset.filter(
            contains_folded("title", word)
            | contains_folded("summary", word)
            | contains_folded("programme", word)
            | contains_folded("funder", word)
        )
    return queryset


def calls_filtered(
    queryset: QuerySet[Call],
    *,
    kind: str = "",
    ecosystem: str = "",
    country: str = "",
    state: str = OPEN,
    q: str = "",
) -> QuerySet[Call]:
    """`queryset` narrowed by kind, ecosystem slug, eligible ISO country, state (open,
    closed, all) and text. Open calls come soonest deadline first, closed ones latest first.
    A call with no eligible country listed is open to all and matches any country."""
    if kind:
        queryset = queryset.filter(kind=kind)
    if ecosystem:
        queryset = queryset.filter(
            Exists(
                Call.ecosystems.through.objects.filter(
                    call_id=OuterRef("pk"), ecosystem__slug=ecosystem
                )
            )
        )
    if country:
        # Stored as "DE,FR,IT": two-letter codes between commas, so a code matches only itself.
        code = country.upper()[:2]
        queryset = queryset.filter(
            Q(eligible_countries="") | Q(eligible_countries__regex=rf"(^|,){code}(,|$)")
        )
    if state == OPEN:
        queryset = queryset.filter(call_open_q()).order_by("deadline", "id")
    elif state == CLOSED:
        queryset = queryset.exclude(call_open_q()).order_by("-deadline", "-id")
    else:
        queryset = queryset.order_by("-deadline", "-id")
    return calls_matching(queryset, q)


def calls_list_published(**filters: Any) -> QuerySet[Call]:
    """Published calls filtered as calls_filtered says (open ones by default)."""
    return calls_filtered(calls_published(), **filters)


def calls_list_authored_by(user: Any) -> QuerySet[Call]:
    """Everything `user` posted, in any status, most recently changed first."""
    if not _is_active(user):
        return Call.objects.none()
    return _with_relations(Call.objects.filter(author=user).order_by("-updated_at", "-id"))


def _visible_filter(user: Any) -> Q:
    if _is_staff(user):
        return Q()
    published = Q(status=ModerationStatus.PUBLISHED)
    if not _is_active(user):
        return published
    member = Exists(
        OrganisationMembership.objects.filter(
            organisation_id=OuterRef("organisation_id"), user=user
        )
    )
    return published | Q(author=user) | Q(member)


def calls_visible_to(user: Any) -> QuerySet[Call]:
    """Every call `user` may open, in any status: the rule of `call_get_for` (the site
    search lists what this gives)."""
    return _with_relations(Call.objects.filter(_visible_filter(user)))


def call_get_for(user: Any, slug: str) -> Call:
    """The call `slug` if `user` may see it, else Http404 (see the module's docstring)."""
    call = _with_relations(Call.objects.filter(_visible_filter(user), slug=slug)).first()
    if call is None:
        raise Http404("No such call.")
    return call


def call_postable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations on whose behalf `user` may post a call (the rule of news)."""
    return news_postable_organisations(user)


def user_can_post_call(user: Any) -> bool:
    return _is_staff(user) or call_postable_organisations(user).exists()


def user_can_edit_call(user: Any, call: Call) -> bool:
    if _is_staff(user):
        return True
    if not _is_active(user) or call.status not in AUTHOR_EDITABLE:
        return False
    return (
        call.author_id == user.pk
        and call.organisation_id is not None
        and call_postable_organisations(user).filter(pk=call.organisation_id).exists()
    )


def user_can_delete_call(user: Any, call: Call) -> bool:
    if _is_staff(user):
        return True
    if not _is_active(user) or call.author_id != user.pk or call.organisation_id is None:
        return False
    return OrganisationMembership.objects.filter(
        organisation_id=call.organisation_id, user=user
    ).exists()


def user_can_submit_call(user: Any, call: Call) -> bool:
    return call.status in AUTHOR_EDITABLE and user_can_edit_call(user, call)


def user_can_moderate_calls(user: Any) -> bool:
    return _is_staff(user)


def call_can_follow(user: Any, call: Call) -> bool:
    return _is_active(user) and call.status == ModerationStatus.PUBLISHED and call.is_open


def call_is_followed_by(user: Any, call: Call) -> bool:
    return _is_active(user) and CallFollow.objects.filter(call=call, user=user).exists()


def call_follower_count(call: Call) -> int:
    return CallFollow.objects.filter(call=call).count()


def call_listings_live(call: Call) -> QuerySet[Listing]:
    """The live ClusterXchange listings tagged with `call`, newest tag first."""
    return (
        Listing.objects.filter(listing_live_q(), call_tags__call=call)
        .select_related("organisation")
        .order_by("-call_tags__created_at", "-id")
    )


def call_taggable_listings(user: Any, call: Call) -> list[Listing]:
    """Live listings `user` may edit and has not yet tagged with `call` (empty when the call
    cannot be tagged: unpublished or closed)."""
    if not (call.status == ModerationStatus.PUBLISHED and call.is_open):
        return []
    tagged = CallListing.objects.filter(call=call, listing_id=OuterRef("pk"))
    candidates = (
        listing_list_for_my_organisations(user).filter(listing_live_q()).exclude(Exists(tagged))
    )
    return [listing for listing in candidates if listing_can_edit(user, listing)]


def call_can_tag(user: Any, call: Call, listing: Listing) -> bool:
    return (
        _is_active(user)
        and call.status == ModerationStatus.PUBLISHED
        and call.is_open
        and Listing.objects.filter(listing_live_q(), pk=listing.pk).exists()
        and listing_can_edit(user, listing)
    )


def call_can_untag(user: Any, tag: CallListing) -> bool:
    return _is_staff(user) or (_is_active(user) and listing_can_edit(user, tag.listing))


# --- The staff queue (config/pages/moderation.py) ---------------------------------------


def call_moderation_rows(*, status: str = "waiting", country: str = "") -> QuerySet[Call, Any]:
    """The staff queue's rows for calls (the four columns of community.selectors.moderation's
    sources, in their order): calls waiting for review, or rejected ones. Call has a field
    called `kind`, so the column is named otherwise (a union takes the first part's names)."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Coalesce

    wanted = ModerationStatus.REJECTED if status == "rejected" else ModerationStatus.NEEDS_REVIEW
    rows = Call.objects.filter(status=wanted)
    if country:
        rows = calls_filtered(rows, country=country, state=ANY).order_by()
    return rows.order_by().values(
        queue_kind=Value("call", output_field=CharField()),
        item_id=F("pk"),
        at=Coalesce(F("submitted_at"), F("created_at")),
        country_code=Value("", output_field=CharField()),
    )


def calls_by_id(ids: list[int]) -> dict[int, Call]:
    return Call.objects.select_related("author", "organisation").in_bulk(ids)


def call_log_entries_by_id(ids: list[int]) -> dict[int, CallModerationLogEntry]:
    return CallModerationLogEntry.objects.select_related("call", "moderator").in_bulk(ids)


def call_waiting_count() -> int:
    return Call.objects.filter(status=ModerationStatus.NEEDS_REVIEW).count()


def calls_moderation_queue() -> QuerySet[Call]:
    """Calls waiting for review, oldest submission first. Callers check staff first."""
    return _with_relations(
        Call.objects.filter(status=ModerationStatus.NEEDS_REVIEW).order_by("submitted_at", "id")
    )
