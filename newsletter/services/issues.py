"""Composing an issue (staff): its subject and editorial per language, its items in order.

Only a draft may be changed or deleted; `issue_send` (newsletter/services/sending.py) freezes it.
Preconditions of every function here: the caller checked that `user` is staff
(newsletter.selectors.issues.user_can_manage_newsletter).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.models import ModerationStatus, NewsItem, User
from community.richtext import markdown_clean
from hub.models import Call
from newsletter.models import Issue, IssueItem, IssueState, IssueText, ItemKind
from webinars.models import Event

MAX_ITEMS = 40


@dataclass(frozen=True)
class TextInput:
    subject: str
    editorial: str = ""


def _check_draft(issue: Issue) -> None:
    if issue.state != IssueState.DRAFT:
        raise ValidationError(_("This issue has been sent; it can no longer be changed."))


def _clean_texts(texts: dict[str, TextInput]) -> dict[str, TextInput]:
    languages = dict(settings.LANGUAGES)
    cleaned: dict[str, TextInput] = {}
    for language, text in texts.items():
        if language not in languages:
            raise ValidationError({"texts": _("Unknown language: %s") % language})
        subject = " ".join(text.subject.split())[:200]
        editorial = markdown_clean(text.editorial or "")
        if subject or editorial:
            if not subject:
                raise ValidationError({"texts": _("A text without a subject: %s") % language})
            cleaned[language] = TextInput(subject, editorial)
    if settings.LANGUAGE_CODE not in cleaned:
        raise ValidationError({"texts": _("The English subject is required (it is the fallback).")})
    return cleaned


_MODELS: dict[ItemKind, Any] = {ItemKind.NEWS: NewsItem, ItemKind.CALL: Call, ItemKind.EVENT: Event}


def _clean_items(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    seen: set[tuple[str, int]] = set()
    cleaned: list[tuple[str, int]] = []
    for kind, pk in items:
        if kind not in ItemKind.values:
            raise ValidationError({"items": _("Unknown item kind: %s") % kind})
        if (kind, pk) not in seen:
            seen.add((kind, pk))
            cleaned.append((kind, pk))
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": _("An issue holds at most %d items.") % MAX_ITEMS})
    for kind in ItemKind.values:
        ids = {pk for k, pk in cleaned if k == kind}
        found = set(
            _MODELS[ItemKind(kind)]
            .objects.filter(pk__in=ids, status=ModerationStatus.PUBLISHED)
            .values_list("pk", flat=True)
        )
        if ids - found:
            raise ValidationError(
                {"items": _("These items are not published: %s") % sorted(ids - found)}
            )
    return cleaned


def _write(issue: Issue, texts: dict[str, TextInput], items: list[tuple[str, int]]) -> None:
    issue.texts.all().delete()
    IssueText.objects.bulk_create(
        IssueText(issue=issue, language=lang, subject=t.subject, editorial=t.editorial)
        for lang, t in texts.items()
    )
    issue.items.all().delete()
    IssueItem.objects.bulk_create(
        IssueItem(
            issue=issue, position=position, kind=kind, **{kind: _MODELS[ItemKind(kind)](pk=pk)}
        )
        for position, (kind, pk) in enumerate(items, start=1)
    )


def _check_period(period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})


@transaction.atomic
def issue_create(
    *,
    user: User,
    period_start: date,
    period_end: date,
    texts: dict[str, TextInput],
    items: Iterable[tuple[str, int]] = (),
) -> Issue:
    """A new draft issue. `items` are (kind, id) pairs in their order."""
    _check_period(period_start, period_end)
    cleaned_texts = _clean_texts(texts)
    cleaned_items = _clean_items(items)
    issue = Issue.objects.create(created_by=user, period_start=period_start, period_end=period_end)
    _write(issue, cleaned_texts, cleaned_items)
    return issue


@transaction.atomic
def issue_update(
    *,
    issue: Issue,
    user: User,
    period_start: date | None = None,
    period_end: date | None = None,
    texts: dict[str, TextInput] | None = None,
    items: Iterable[tuple[str, int]] | None = None,
) -> Issue:
    """Change a draft; what is None is kept."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _check_draft(issue)
    start = period_start or issue.period_start
    end = period_end or issue.period_end
    _check_period(start, end)
    cleaned_texts = (
        _clean_texts(texts)
        if texts is not None
        else {t.language: TextInput(t.subject, t.editorial) for t in issue.texts.all()}
    )
    cleaned_items = (
        _clean_items(items)
        if items is not None
        else [
            (i.kind, i.target_id)  # type: ignore[misc]
            for i in issue.items.exclude(news=None, call=None, event=None)
        ]
    )
    issue.period_start, issue.period_end = start, end
    issue.save(update_fields=["period_start", "period_end", "updated_at"])
    _write(issue, cleaned_texts, cleaned_items)
    return issue


@transaction.atomic
def issue_delete(*, issue: Issue, user: User) -> None:
    """Delete a draft (a sent issue stays, with its report)."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _check_draft(issue)
    issue.delete()
