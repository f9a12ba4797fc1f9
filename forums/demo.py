"""Forum demo data, added on top of the community's by `manage.py seed_demo`.

A forum for every demo partnership, with topics where at least two people can write; the
first six demo logins with an organisation join one partnership (through the community's
service, as staff would add them), so logging in as Anna Schmidt or Marie Dubois shows a
members-only forum in five languages. The same logins are the FCAN's members, and an open
community forum has a topic too. Two replies link to demo ClusterXchange listings, so
their cards show (community/link_cards.py). Everything is written through the services (so events,
read state and notifications exist as they would). Deterministic for a given seed.
"""

# ruff: noqa: RUF001  (typographic apostrophes in the French posts are intended)
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from community.link_cards import listing_card_sample
from community.models import OrganisationMembership, Partnership, PartnershipKind, User
from community.services.partnerships import partnership_add_member
from community.signals import demo_seeded
from forums.models import ForumKind, Topic
from forums.services.forums import forum_create, forum_for_partnership, forum_member_add
from forums.services.topics import post_reply, reaction_add, topic_create

# The demo logins (with an organisation) who meet the featured partnership's forum and the FCAN.
FEATURED = 6

# (group slug, language, title, first post, replies). A reply may mention the topic's
# author with {author}.
THREADS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "funding",
        "en",
        "Single Market Programme call: who is applying?",
        "The next **Euroclusters** call opens in spring. We would like to coordinate one "
        "application for the partnership rather than three competing ones. Who is interested?",
        [
            "Count us in. We can lead the work package on SME training.",
            "@[{author}] we could bring two regional agencies as associated partners.",
        ],
    ),
    (
        "general-updates",
        "fr",
        "Réunion annuelle du partenariat à Lyon",
        "Bonjour à toutes et à tous, la réunion annuelle aura lieu à Lyon les 12 et 13 mars. "
        "Merci d’indiquer vos disponibilités avant la fin du mois.",
        [
            "Merci pour l’organisation ! Nous serons deux personnes.",
            "Pourriez-vous partager l’ordre du jour provisoire ?",
        ],
    ),
    (
        "internationalisation",
        "de",
        "Delegationsreise nach Japan im Herbst",
        "Guten Tag, wir planen im Oktober eine Delegationsreise nach Osaka. Welche "
        "Mitgliedsunternehmen möchten teilnehmen? Die Kosten werden zu 50 % gefördert.",
        ["Zwei unserer KMU haben großes Interesse. Gibt es schon ein Programm?"],
    ),
    (
        "funding",
        "es",
        "Cofinanciación regional para proyectos Interreg",
        "Buenos días, ¿alguien tiene experiencia con la cofinanciación regional en la "
        "convocatoria Interreg Europe? Nos interesa conocer sus plazos.",
        ["En nuestra región el plazo fue de tres meses. Le envío los detalles por mensaje."],
    ),
    (
        "general-updates",
        "it",
        "Nuovo rapporto sulle filiere sostenibili",
        "Buongiorno, abbiamo pubblicato il rapporto annuale sulle filiere sostenibili. "
        "Saremmo lieti di ricevere i vostri commenti.",
        ["Grazie, molto interessante il capitolo sulla logistica."],
    ),
]

FCAN_THREADS: list[tuple[str, str, str, str, list[str]]] = [
    (
        "digitalisation",
        "en",
        "Data spaces for cluster members: lessons learnt",
        "Several of our members are joining sector data spaces. What worked for your "
        "networks when onboarding SMEs?",
        ["Short, hands-on workshops with one real data set worked best for us."],
    ),
    (
        "green-economy",
        "de",
        "Erfahrungen mit dem CO₂-Grenzausgleich (CBAM)",
        "Wie bereiten Sie Ihre Mitglieder auf die Berichtspflichten unter CBAM vor?",
        ["Wir bieten monatliche Sprechstunden mit einer Beratungsfirma an."],
    ),
]


# Replies that link to a live demo listing (its card shows under the post).
LISTING_REPLIES = [
    "This ClusterXchange {kind} looks relevant for the call: [{title}]({url})",
    "Have you seen this one? {url}",
]


def _link_listings(forums: list[Any], people: list[User]) -> int:
    """A reply linking a demo listing in the first topic of each of `forums`."""
    posts = 0
    cards = listing_card_sample(len(forums))
    for n, (forum, card) in enumerate(zip(forums, cards, strict=False)):
        topic = Topic.objects.filter(group__forum=forum).order_by("pk").first()
        if topic is None:
            continue
        text = LISTING_REPLIES[n % len(LISTING_REPLIES)].format(**card)
        post_reply(
            author=people[-1 - n % len(people)],
            topic=topic,
            body=text,
            language="en",
            client_id=f"demo-listing-{n}",
        )
        posts += 1
    return posts


def _people_of(partnership: Partnership) -> list[User]:
    organisations = list(partnership.memberships.values_list("organisation_id", flat=True))
    organisations.append(partnership.coordinator_id)
    ids = (
        OrganisationMembership.objects.filter(organisation_id__in=organisations)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("pk")[:12])


def _write(
    rng: random.Random, forum: Any, people: list[User], threads: list[Any], key: str
) -> tuple[int, int]:
    topics = posts = 0
    groups = {g.slug: g for g in forum.groups.all()}
    for n, (group_slug, lang, title, body, replies) in enumerate(threads):
        group = groups.get(group_slug)
        if group is None:
            continue
        author = people[n % len(people)]
        topic = topic_create(
            author=author,
            group=group,
            title=title,
            body=body,
            language=lang,
            client_id=f"demo-{key}-{n}",
        )
        topics += 1
        posts += 1
        first = topic.posts.get()
        others = [p for p in people if p.pk != author.pk] or people
        for m, text in enumerate(replies):
            writer = others[(n + m) % len(others)]
            post_reply(
                author=writer,
                topic=topic,
                body=text.format(author=author.full_name or author.display_name),
                reply_to=first if m == 0 else None,
                language=lang,
                client_id=f"demo-{key}-{n}-{m}",
            )
            posts += 1
        reaction_add(user=rng.choice(others), post=first, emoji="👍")
    return topics, posts


def _featured_partnership(staff: User, logins: list[User]) -> Partnership | None:
    """A partnership the featured logins' organisations belong to, so that logging in as one
    of them shows a members-only forum (their organisations join through the community's
    own service, as staff would add them)."""
    partnership = (
        Partnership.objects.filter(kind=PartnershipKind.ESCP_4I).order_by("pk").first()
        or Partnership.objects.order_by("pk").first()
    )
    if partnership is None:
        return None
    members = set(partnership.memberships.values_list("organisation_id", flat=True))
    members.add(partnership.coordinator_id)
    for person in logins:
        membership = OrganisationMembership.objects.filter(user=person).first()
        if membership is not None and membership.organisation_id not in members:
            partnership_add_member(
                partnership=partnership, organisation=membership.organisation, user=staff
            )
            members.add(membership.organisation_id)
    return partnership


def demo_forums(*, seed: int, progress: Callable[[str], Any]) -> None:
    rng = random.Random(seed)
    forums = topics = posts = 0
    with transaction.atomic():
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
        logins = list(
            User.objects.filter(
                email__endswith="@clusterhub.example", is_active=True, is_staff=False
            )
            .filter(memberships__isnull=False)
            .distinct()
            .order_by("pk")[:FEATURED]
        )
        featured = None
        if staff is not None and len(logins) >= 2:
            featured = _featured_partnership(staff, logins)
        # Every partnership has its forum, as migrations and new partnerships do.
        for partnership in Partnership.objects.order_by("pk"):
            forum = forum_for_partnership(partnership)
            forums += 1
            if partnership == featured:
                t, p = _write(rng, forum, logins, THREADS, "featured")
            else:
                people = _people_of(partnership)
                if len(people) < 2:
                    continue
                t, p = _write(rng, forum, people, rng.sample(THREADS, k=2), f"p{partnership.pk}")
            topics, posts = topics + t, posts + p
        if staff is not None and len(logins) >= 2:
            fcan = forum_create(
                kind=ForumKind.FCAN, name="Forum of Cluster Associations and Networks"
            )
            for person in logins:
                forum_member_add(by=staff, forum=fcan, user=person)
            t, p = _write(rng, fcan, logins, FCAN_THREADS, "fcan")
            forums, topics, posts = forums + 1, topics + t, posts + p
        community = forum_create(kind=ForumKind.COMMUNITY, name="Open discussion")
        forums += 1
        if len(logins) >= 2:
            t, p = _write(rng, community, logins, THREADS[:1], "open")
            topics, posts = topics + t, posts + p
            linked = [f for f in (featured and forum_for_partnership(featured), fcan) if f]
            posts += _link_listings(linked, logins)
    progress(f"Forums: {forums} forums, {topics} topics, {posts} posts")


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_forums(seed=seed, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="forums.demo")
