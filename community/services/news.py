"""Writes for news: create, update, submit, publish, reject, delete.

Every service re-checks the rule it enforces (community/selectors/news.py states them) and
raises PermissionDenied when it does not hold, so a caller that forgot a gate cannot write.
Rich text is sanitised and images re-encoded (community.images.image_clean) here, so nothing
unsanitised reaches the database or MEDIA_ROOT.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.images import image_clean
from community.models import (
    CONTENT_LANGUAGES,
    Ecosystem,
    ModerationDecision,
    ModerationLogEntry,
    ModerationStatus,
    NewsItem,
    Organisation,
    User,
)
from community.richtext import markdown_clean
from community.selectors.news import (
    news_postable_organisations,
    user_can_delete_news,
    user_can_edit_news,
    user_can_moderate_news,
    user_can_submit_news,
)
from community.services.accounts import language_for
from community.slugs import save_with_unique_slug

# Marker for "leave this field as it is" in news_update.
UNCHANGED: Any = object()
# Page paths under /news/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "feed"})


def _clean_language(language: str | None) -> str:
    if language and language not in dict(CONTENT_LANGUAGES):
        raise ValidationError({"language": _("Choose one of the listed languages.")})
    return language or ""


def _clean_text(*, title: str, summary: str) -> tuple[str, str]:
    title, summary = (title or "").strip(), (summary or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("A title is required.")
    if not summary:
        errors["summary"] = _("A summary is required.")
    if errors:
        raise ValidationError(errors)
    return title, summary


def posting_organisation_check(
    user: User, organisation: Organisation | None, *, refusal: str
) -> None:
    """Who posts community content (news, open calls) for an organisation: staff for any or
    none; anyone else for a published organisation they belong to (news_postable_organisations),
    else PermissionDenied with `refusal`, or ValidationError when none is chosen."""
    if user.is_staff:
        return
    if organisation is None:
        raise ValidationError(
            {"organisation": _("Choose the organisation on whose behalf you post.")}
        )
    if not news_postable_organisations(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(refusal)


def _check_organisation(user: User, organisation: Organisation | None) -> None:
    posting_organisation_check(
        user,
        organisation,
        refusal=_("You may post news only for a published organisation you belong to."),
    )


@transaction.atomic
def news_create(
    *,
    author: User,
    title: str,
    summary: str,
    body: str = "",
    organisation: Organisation | None = None,
    ecosystems: Iterable[Ecosystem] = (),
    country: str = "",
    image: UploadedFile | None = None,
    submit: bool = False,
    language: str = "",
) -> NewsItem:
    """Create a news item.

    Staff news is published at once. Anyone else must belong to the (published) organisation
    they post for and have a verified email; their item starts as a draft, or goes straight
    to review when `submit` is true. Raises PermissionDenied / ValidationError, storing
    nothing, when a rule or a field fails. The body is markdown (community.richtext), the
    image stored as a clean copy under a server-chosen name. Without `language` (one of
    CONTENT_LANGUAGES), the texts are taken to be in the author's language.
    """
    if not author.is_staff and not (author.is_active and author.email_verified):
        raise PermissionDenied(_("Verify your email address before posting news."))
    _check_organisation(author, organisation)
    title, summary = _clean_text(title=title, summary=summary)
    clean_image = image_clean(image, field="image") if image else None
    now = timezone.now()
    item = NewsItem(
        title=title,
        summary=summary,
        body=markdown_clean(body),
        organisation=organisation,
        country=country or "",
        author=author,
        language=_clean_language(language)
        or language_for(author, fallback=translation.get_language()),
    )
    if clean_image is not None:
        item.image = clean_image
    if author.is_staff:
        item.status = ModerationStatus.PUBLISHED
        item.published_at = now
        item.reviewed_at = now
        item.reviewed_by = author
    elif submit:
        item.status = ModerationStatus.NEEDS_REVIEW
        item.submitted_at = now
    else:
        item.status = ModerationStatus.DRAFT
    save_with_unique_slug(item, title, fallback="news", reserved=RESERVED_SLUGS)
    item.ecosystems.set(list(ecosystems))
    return item


@transaction.atomic
def news_update(
    *,
    item: NewsItem,
    user: User,
    title: Any = UNCHANGED,
    summary: Any = UNCHANGED,
    body: Any = UNCHANGED,
    organisation: Any = UNCHANGED,
    ecosystems: Any = UNCHANGED,
    country: Any = UNCHANGED,
    image: Any = UNCHANGED,
    language: Any = UNCHANGED,
) -> NewsItem:
    """Change the given fields of `item` (the rest stay as they are).

    Staff edit anything; the author edits a draft or rejected item of an organisation they
    still belong to. The status does not change (resubmit with news_submit). `image=None`
    removes the image; a new one is stored as a clean copy. The slug never changes, so links
    keep working.
    """
    if not user_can_edit_news(user, item):
        raise PermissionDenied(_("You may not edit this news item."))
    new_title = item.title if title is UNCHANGED else title
    new_summary = item.summary if summary is UNCHANGED else summary
    item.title, item.summary = _clean_text(title=new_title, summary=new_summary)
    if body is not UNCHANGED:
        item.body = markdown_clean(body)
    if organisation is not UNCHANGED:
        _check_organisation(user, organisation)
        item.organisation = organisation
    if country is not UNCHANGED:
        item.country = country or ""
    if image is not UNCHANGED:
        item.image = image_clean(image, field="image") if image else None
    if language is not UNCHANGED:
        item.language = _clean_language(language)
    item.save()
    if ecosystems is not UNCHANGED:
        item.ecosystems.set(list(ecosystems))
    return item


@transaction.atomic
def news_submit(*, item: NewsItem, user: User) -> NewsItem:
    """Send a draft or rejected item to review. The author (or staff) only."""
    if not user_can_submit_news(user, item):
        raise PermissionDenied(_("Only a draft or rejected item can be submitted by its author."))
    item.status = ModerationStatus.NEEDS_REVIEW
    item.submitted_at = timezone.now()
    item.save(update_fields=["status", "submitted_at", "updated_at"])
    return item


def _email_author(item: NewsItem, template: str) -> None:
    author = item.author
    if author is None or not author.email:
        return
    context = {"item": item, "author": author, "site_url": settings.SITE_URL}
    with translation.override(language_for(author)):
        subject = render_to_string(f"community/emails/news/{template}_subject.txt", context)
        body = render_to_string(f"community/emails/news/{template}_body.txt", context)
    recipient = author.email
    transaction.on_commit(
        lambda: send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )


@transaction.atomic
def news_publish(*, item: NewsItem, user: User) -> NewsItem:
    """Publish `item` (staff only). Emails the author after commit unless they published it."""
    if not user_can_moderate_news(user):
        raise PermissionDenied(_("Only staff publish news."))
    if item.status == ModerationStatus.PUBLISHED:
        raise ValidationError(_("This news item is already published."))
    now = timezone.now()
    item.status = ModerationStatus.PUBLISHED
    item.published_at = now
    item.reviewed_at = now
    item.reviewed_by = user
    item.rejection_reason = ""
    item.save()
    ModerationLogEntry.objects.create(
        news_item=item, decision=ModerationDecision.PUBLISHED, moderator=user, created_at=now
    )
    if item.author_id != user.pk:
        _email_author(item, "published")
    return item


@transaction.atomic
def news_reject(*, item: NewsItem, user: User, reason: str) -> NewsItem:
    """Reject an item waiting for review, or take down a published one (staff only).

    A reason is required; it is shown to the author and emailed to them after commit.
    """
    if not user_can_moderate_news(user):
        raise PermissionDenied(_("Only staff reject news."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the author a reason for the rejection.")})
    if item.status not in (ModerationStatus.NEEDS_REVIEW, ModerationStatus.PUBLISHED):
        raise ValidationError(_("Only an item waiting for review or published can be rejected."))
    item.status = ModerationStatus.REJECTED
    item.rejection_reason = reason
    item.reviewed_at = timezone.now()
    item.reviewed_by = user
    item.published_at = None
    item.save()
    ModerationLogEntry.objects.create(
        news_item=item,
        decision=ModerationDecision.REJECTED,
        moderator=user,
        created_at=item.reviewed_at,
        reason=reason,
    )
    _email_author(item, "rejected")
    return item


@transaction.atomic
def news_delete(*, item: NewsItem, user: User) -> None:
    """Delete `item`: staff always, the author while it is not published."""
    if not user_can_delete_news(user, item):
        raise PermissionDenied(_("You may not delete this news item."))
    if item.image:
        image = item.image
        transaction.on_commit(lambda: image.delete(save=False))
    item.delete()
