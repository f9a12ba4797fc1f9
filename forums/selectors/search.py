"""Forum search: the posts a person may read that hold every word of a query.

The words. A text is cut into words (runs of letters and digits, any script), each folded
(community.folding: accents and case, "Förderung" -> "forderung", "Straße" -> "strasse").
A query word matches a word of the post that starts with it ("forder" finds "Förderung",
"event" finds "events"): posts are written in five languages and often mix them, so no
stemmer is right for all; a prefix is the language-neutral part of stemming
(docs/decisions.md, "Forum search: words, not stems"). Every query word must match, in the
post's text or, for a topic's opening post, in the topic's title. One-letter words are
left out of a query (they match nearly everything).

What is stored. A post carries `search_title` (the title's words, opening post only) and
`search_text` (its text's words), written by forums.services (create, edit; emptied on
delete) from `post_search_fields()`; migration forums/0004_search_post_index filled the rows
that existed before. Both are the folded words joined by spaces behind a leading space, so
" forderung" matches the start of a word with a plain LIKE.

PostgreSQL: the STORED generated column `search_document` (title weight A, text B, the
`clusterhub_simple` configuration of community/0005: no stemming, no stop words) with a GIN
index; a query is `to_tsquery` of every word as a prefix (`'forder':* & 'evenement':*`),
answered from the index and ranked by `ts_rank`, then by recency.
SQLite (the embedded default): a LIKE per word and field over the stored words; the same
matches, ordered by recency.

Who sees what, the rules of the gates in forums.selectors.forums: posts in the forums
`forum_list_for(user)` gives, hidden topics and posts hidden by a moderator for staff only
(as `topic_list_visible` and `post_get_for`), never a deleted post.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import Col
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from community.folding import fold
from community.search import SIMPLE_CONFIG, uses_postgres_search
from community.selectors.directory import DirectoryPaginator
from forums.models import Forum, ForumGroup, Post
from forums.selectors.forums import (
    forum_get_for,
    forum_list_for,
    group_get_by_id_for,
    user_is_moderator,
)

_WORD_RE = re.compile(r"[^\W_]+")
# A query is cut to this many characters and words: longer ones only cost time.
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 10
MIN_WORD_LENGTH = 2
# The generated column of migration 0004 (not a model field: SQLite cannot compute it).
DOCUMENT_COLUMN = "search_document"
# A snippet is about this many characters of the post around its first match.
SNIPPET_LENGTH = 240


def search_words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD_RE.findall(fold(text) or "")


def _stored(text: str) -> str:
    words = search_words(text)
    return " " + " ".join(words) if words else ""


def post_plain_text(body_html: str) -> str:
    """The text a reader sees in a post's sanitised HTML, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(body_html.replace("<", " <"))).split())


def post_search_fields(*, body_html: str, title: str = "") -> dict[str, str]:
    """The stored search fields of a post (`Post(**fields)`, `update_fields`): `title` is
    the topic's, given for its opening post only."""
    return {"search_title": _stored(title), "search_text": _stored(post_plain_text(body_html))}


def query_words(q: str) -> list[str]:
    """The words of a query that are searched for: folded, without duplicates, one-letter
    words left out, at most MAX_QUERY_WORDS."""
    words = [w for w in search_words(q[:MAX_QUERY_LENGTH]) if len(w) >= MIN_WORD_LENGTH]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class PostSearchParams:
    q: str
    words: tuple[str, ...]
    forum: Forum | None = None
    group: ForumGroup | None = None
    author: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def post_search_params(user: Any, raw: Mapping[str, Any]) -> PostSearchParams:
    """Validate raw query parameters (`q`, `forum` slug, `group` id, `author` user id,
    `since`, `until` as YYYY-MM-DD); ValidationError naming every bad one. A forum or group
    the person may not read is refused as one that does not exist."""

    def get(name: str) -> str:
        value = raw.get(name, "")
        return str(value).strip() if value is not None else ""

    errors: dict[str, str] = {}
    q = get("q")
    words = query_words(q)
    if not words:
        errors["q"] = _("Type at least one word of two letters or more.")
    forum = group = None
    if get("forum"):
        try:
            forum = forum_get_for(user, get("forum"))
        except Http404:
            errors["forum"] = _("No forum “%(value)s” that you may read.") % {"value": get("forum")}
    if get("group"):
        try:
            group = group_get_by_id_for(user, get("group"))
        except Http404:
            errors["group"] = _("No group “%(value)s” that you may read.") % {"value": get("group")}
    author = None
    if get("author"):
        if get("author").isascii() and get("author").isdigit() and 0 < int(get("author")) < 2**63:
            author = int(get("author"))
        else:
            errors["author"] = _("An author is a user id, a whole number.")
    dates: dict[str, datetime.date | None] = {"since": None, "until": None}
    for name in dates:
        if get(name):
            try:
                dates[name] = _date(get(name))
            except ValueError:
                errors[name] = _("Give a date as YYYY-MM-DD.")
    since, until = dates["since"], dates["until"]
    if since and until and since > until:
        errors["until"] = _("The end date is before the start date.")
    if errors:
        raise ValidationError(errors)
    return PostSearchParams(
        q=q[:MAX_QUERY_LENGTH],
        words=tuple(words),
        forum=forum,
        group=group,
        author=author,
        since=since,
        until=until,
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _document() -> Col:
    field = SearchVectorField()
    field.set_attributes_from_name(DOCUMENT_COLUMN)
    field.model = Post
    return Col(Post._meta.db_table, field)


def tsquery_text(words: Sequence[str]) -> str:
    """Every word as a prefix: `'forder':* & 'evenement':*` (words hold letters and digits
    only, so they need no escaping)."""
    return " & ".join(f"'{w}':*" for w in words)


def postgres_query(words: Sequence[str]) -> SearchQuery:
    return SearchQuery(tsquery_text(words), search_type="raw", config=SIMPLE_CONFIG)


def _every_word(words: Iterable[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=f" {word}") | Q(search_title__contains=f" {word}")
    return condition


def _readable_group_ids(user: Any, params: PostSearchParams) -> list[int]:
    """The groups searched: those of the forums `user` may read, narrowed by the filters.

    Read first, as a short list of ids: PostgreSQL then estimates how many topics and posts
    they hold from the statistics of the large tables, and reads the matches from the GIN
    index. A subquery over the few forums (often never analysed: too small for autovacuum)
    was estimated as a handful of topics, and the plan checked the text of every post of
    every readable topic instead (a 100,000-post forum: 0.6 s instead of 0.1 s)."""
    groups = ForumGroup.objects.filter(forum__in=forum_list_for(user).order_by().values("pk"))
    if params.group is not None:
        groups = groups.filter(pk=params.group.pk)
    if params.forum is not None:
        groups = groups.filter(forum=params.forum)
    return list(groups.order_by().values_list("pk", flat=True))


def post_search(user: Any, params: PostSearchParams) -> QuerySet[Post]:
    """The posts `user` may read that match `params`, most relevant first (PostgreSQL), then
    newest; each with `relevance`, its topic, group, forum and author. Page it with
    SearchPaginator (one pass over the matches for a page and the count)."""
    posts = Post.objects.filter(
        topic__group_id__in=_readable_group_ids(user, params), deleted_at__isnull=True
    )
    if not user_is_moderator(user):
        posts = posts.filter(hidden=False, topic__hidden=False)
    if params.author is not None:
        posts = posts.filter(author_id=params.author)
    if params.since is not None:
        posts = posts.filter(created_at__gte=_day_start(params.since))
    if params.until is not None:
        posts = posts.filter(created_at__lt=_day_start(params.until + datetime.timedelta(days=1)))
    if uses_postgres_search():
        query = postgres_query(params.words)
        posts = (
            posts.alias(document=_document())
            .filter(document=query)
            .annotate(relevance=SearchRank(F("document"), query))
        )
    else:
        posts = posts.filter(_every_word(params.words)).annotate(
            relevance=Value(0.0, output_field=FloatField())
        )
    return posts.select_related("topic__group__forum", "author").order_by(
        "-relevance", "-created_at", "-pk"
    )


def _page_ids(posts: QuerySet[Post], *, offset: int, limit: int) -> list[tuple[int, int]]:
    """(id, number of matches) of one page of `post_search`'s order. The matches are ranked
    in a subquery that keeps only id, rank and date, so counting them over the window does
    not carry (and spill to disk) every matching row's document."""
    found = posts.order_by().annotate(found_id=F("pk"), found_at=F("created_at"))
    try:
        sql, params = found.values("found_id", "relevance", "found_at").query.sql_with_params()
    except EmptyResultSet:  # no forum to search
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT found_id, COUNT(*) OVER () FROM ({sql}) AS found "  # noqa: S608 (the ORM's SQL, values as parameters)
            "ORDER BY relevance DESC, found_at DESC, found_id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [(int(pk), int(total)) for pk, total in cursor.fetchall()]


class SearchPaginator(Paginator):
    """Pages of `post_search`, as Django's Paginator gives them, in two short queries: the
    ids of one page with the number of matches (`COUNT(*) OVER ()`: the matches are read
    and ranked once, not once for the count and again for the page), then those posts.
    A page past the last counts afresh (EmptyPage). `orphans` is not supported."""

    def __init__(self, posts: QuerySet[Post], per_page: int) -> None:
        super().__init__(posts, per_page)
        self.posts = posts

    @cached_property
    def count(self) -> int:
        return self.posts.order_by().count()

    def validate_number(self, number: Any) -> int:
        """The directory's check: Django's without the count (the page's query gives it);
        it reads nothing of its paginator but `error_messages`, which every Paginator has."""
        return DirectoryPaginator.validate_number(self, number)  # type: ignore[arg-type]

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = _page_ids(self.posts, offset=bottom, limit=self.per_page)
        if rows:
            self.count = rows[0][1]
        elif number == 1:
            self.count = 0
        self.__dict__.pop("num_pages", None)  # derived from the count just settled
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        found = Post.objects.select_related("topic__group__forum", "author").in_bulk(
            [pk for pk, _ in rows]
        )
        return Page([found[pk] for pk, _ in rows], number, self)


def highlight(text: str, words: Sequence[str], *, length: int | None = None) -> SafeString:
    """`text` as HTML with every word that starts with one of `words` (folded) in `<mark>`;
    everything else escaped. With `length`, about that many characters around the first
    match, cut at spaces, `…` where text was left out."""
    # Word by word (one fold a word, not a letter): the spans are the text's own.
    spans = []
    for match in _WORD_RE.finditer(text):
        folded = fold(match.group()) or ""
        if any(folded.startswith(w) for w in words):
            spans.append((match.start(), match.end()))
    start, end = 0, len(text)
    if length is not None and len(text) > length:
        first = spans[0][0] if spans else 0
        start = max(0, first - length // 3)
        if start:
            cut = text.rfind(" ", 0, start)
            start = cut + 1 if cut >= 0 and start - cut < 20 else start
        end = min(len(text), start + length)
        if end < len(text):
            cut = text.rfind(" ", start, end)
            end = cut if cut > start + length // 2 else end
    parts = ["…"] if start else []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end])]
        parts.append("</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)


def search_result(post: Post, words: Sequence[str]) -> dict[str, Any]:
    """One result as the API and the page give it: the post, where it is, and its snippet
    and title as safe HTML with the matched words marked."""
    topic = post.topic
    group = topic.group
    forum = group.forum
    author = post.author
    return {
        "id": post.pk,
        "url": f"{topic.get_absolute_url()}#post-{post.pk}",
        "created_at": post.created_at,
        "language": post.language,
        "snippet": highlight(post_plain_text(post.body_html), words, length=SNIPPET_LENGTH),
        "topic": {
            "id": topic.pk,
            "title": topic.title,
            "title_html": highlight(topic.title, words),
            "hidden": topic.hidden,
        },
        "group": {"id": group.pk, "name": group.label, "slug": group.slug},
        "forum": {"id": forum.pk, "slug": forum.slug, "name": forum.label},
        "author": {"id": author.pk, "name": author.display_name} if author else None,
        "hidden": post.hidden,
    }
