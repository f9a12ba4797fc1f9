"""Writes for the trend universe: create, update and delete trends, score them, and say that
an organisation works on one.

Every service re-checks its rule (hub/selectors/trends.py states them) and raises
PermissionDenied when it does not hold. The description is stored as markdown and rendered
through community.richtext (escaped raw HTML, then nh3), so nothing unsafe is ever shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from community.models import CONTENT_LANGUAGES, Ecosystem, Organisation, Tag, User
from community.richtext import markdown_clean
from community.slugs import save_with_unique_slug
from hub.models import IMPACT_MAX, Horizon, Trend, TrendEngagement, TrendScore
from hub.selectors.trends import trend_can_engage, user_can_edit_trends

UNCHANGED: Any = object()
# Page paths under /trends/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "mine", "peers"})
MAX_KEYWORDS = 30
MIN_KEYWORD_LENGTH = 3
MAX_KEYWORD_LENGTH = 60


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    """Keywords trimmed, blanks and duplicates (case ignored) dropped; ValidationError on a
    keyword too short to match precisely or too long, or too many of them."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in keywords:
        keyword = " ".join(str(raw).split())
        if not keyword or keyword.casefold() in seen:
            continue
        if not MIN_KEYWORD_LENGTH <= len(keyword) <= MAX_KEYWORD_LENGTH:
            raise ValidationError(
                {
                    "keywords": _("“%(keyword)s”: a keyword has %(min)s to %(max)s characters.")
                    % {
                        "keyword": keyword[:80],
                        "min": MIN_KEYWORD_LENGTH,
                        "max": MAX_KEYWORD_LENGTH,
                    }
                }
            )
        seen.add(keyword.casefold())
        cleaned.append(keyword)
    if len(cleaned) > MAX_KEYWORDS:
        raise ValidationError({"keywords": _("At most %(max)s keywords.") % {"max": MAX_KEYWORDS}})
    return cleaned


def _clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for name, message in (
        ("title", _("A title is required.")),
        ("summary", _("A summary is required.")),
    ):
        values[name] = " ".join((values.get(name) or "").split())
        if not values[name]:
            errors[name] = message
    language = values.get("language") or ""
    if language and language not in dict(CONTENT_LANGUAGES):
        errors["language"] = _("Choose one of the listed languages.")
    try:
        values["keywords"] = clean_keywords(values.get("keywords") or [])
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    values["description"] = markdown_clean(values.get("description") or "")
    return values


def _check_staff(user: User) -> None:
    if not user_can_edit_trends(user):
        raise PermissionDenied(_("Only staff edit the trend universe."))


@transaction.atomic
def trend_create(
    *,
    user: User,
    title: str,
    summary: str,
    description: str = "",
    language: str = "",
    keywords: Iterable[str] = (),
    tags: Iterable[Tag] = (),
    scores: Mapping[tuple[str, str], int | None] | None = None,
) -> Trend:
    """Create a trend (staff), with its scores if given (see trend_set_scores)."""
    _check_staff(user)
    values = _clean_fields(
        {
            "title": title,
            "summary": summary,
            "description": description,
            "language": language,
            "keywords": list(keywords),
        }
    )
    trend = Trend(**values, created_by=user)
    save_with_unique_slug(
        trend, values["title"], fallback="trend", reserved=RESERVED_SLUGS, max_length=120
    )
    trend.tags.set(list(tags))
    if scores:
        trend_set_scores(trend=trend, user=user, scores=scores)
    return trend


EDITABLE_FIELDS = ("title", "summary", "description", "language", "keywords")


@transaction.atomic
def trend_update(*, trend: Trend, user: User, tags: Any = UNCHANGED, **changes: Any) -> Trend:
    """Change the given fields of `trend` (staff). The slug never changes: links keep working."""
    _check_staff(user)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"trend_update: unknown fields {sorted(unknown)}")
    current = {name: getattr(trend, name) for name in EDITABLE_FIELDS}
    values = _clean_fields({**current, **changes})
    for name, value in values.items():
        setattr(trend, name, value)
    trend.save()
    if tags is not UNCHANGED:
        trend.tags.set(list(tags))
    return trend


@transaction.atomic
def trend_delete(*, trend: Trend, user: User) -> None:
    """Delete a trend with its scores and the organisations' statements (staff)."""
    _check_staff(user)
    trend.delete()


def clean_scores(scores: Mapping[tuple[str, str], Any]) -> dict[tuple[str, str], int | None]:
    """Scores keyed by (ecosystem slug, horizon): each an integer 0..IMPACT_MAX, or None
    (not scored). ValidationError naming the first wrong key or value."""
    known = set(Ecosystem.objects.values_list("slug", flat=True))
    cleaned: dict[tuple[str, str], int | None] = {}
    for (ecosystem, horizon), impact in scores.items():
        if ecosystem not in known:
            raise ValidationError(
                {"scores": _("Unknown ecosystem “%(value)s”.") % {"value": str(ecosystem)[:80]}}
            )
        if horizon not in Horizon.values:
            raise ValidationError(
                {"scores": _("Unknown horizon “%(value)s”.") % {"value": str(horizon)[:80]}}
            )
        if impact is None or impact == "":
            cleaned[(ecosystem, horizon)] = None
            continue
        if isinstance(impact, bool) or not isinstance(impact, int) or not 0 <= impact <= IMPACT_MAX:
            raise ValidationError(
                {
                    "scores": _("An impact is a whole number from 0 to %(max)s.")
                    % {"max": IMPACT_MAX}
                }
            )
        cleaned[(ecosystem, horizon)] = impact
    return cleaned


@transaction.atomic
def trend_set_scores(
    *, trend: Trend, user: User, scores: Mapping[tuple[str, str], Any], replace: bool = False
) -> Trend:
    """Set impacts by (ecosystem slug, horizon) (staff). None removes a score ("not
    scored"); pairs not given stay, unless `replace`, which removes them. All or nothing."""
    _check_staff(user)
    cleaned = clean_scores(scores)
    if replace:
        TrendScore.objects.filter(trend=trend).delete()
    for (ecosystem, horizon), impact in cleaned.items():
        if impact is None:
            TrendScore.objects.filter(trend=trend, ecosystem_id=ecosystem, horizon=horizon).delete()
        else:
            TrendScore.objects.update_or_create(
                trend=trend, ecosystem_id=ecosystem, horizon=horizon, defaults={"impact": impact}
            )
    return trend


def trend_engage(*, trend: Trend, organisation: Organisation, user: User) -> TrendEngagement:
    """Say that `organisation` works on `trend` (idempotent): its managers, or staff."""
    if not trend_can_engage(user, organisation):
        raise PermissionDenied(_("Only a manager of this organisation may say what it works on."))
    try:
        with transaction.atomic():
            return TrendEngagement.objects.create(
                trend=trend, organisation=organisation, added_by=user
            )
    except IntegrityError:
        return TrendEngagement.objects.get(trend=trend, organisation=organisation)


def trend_disengage(*, trend: Trend, organisation: Organisation, user: User) -> None:
    """`organisation` no longer works on `trend` (idempotent): its managers, or staff."""
    if not trend_can_engage(user, organisation):
        raise PermissionDenied(_("Only a manager of this organisation may say what it works on."))
    TrendEngagement.objects.filter(trend=trend, organisation=organisation).delete()
