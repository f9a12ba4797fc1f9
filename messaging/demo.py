"""ClusterXchange demo data, added on top of the community's by `manage.py seed_demo`.

Listings for every demo organisation that has people, and a few conversations between the
demo logins (with read receipts and notifications), all written through the services, so
the demo shows what the product does. Deterministic for a given seed.
"""

# ruff: noqa: RUF001  (typographic apostrophes in the French messages are intended)
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from community.demo import texts
from community.models import ModerationStatus, Organisation, OrganisationMembership, User
from community.signals import demo_seeded
from messaging.services.inbox import conversation_mark_read
from messaging.services.listings import listing_create, listing_express_interest, listing_follow
from messaging.services.messages import (
    message_notifications_drain,
    message_report,
    message_send,
)

# Who talks with whom: (the interested person, the listing owner's admin, the language, the
# messages as (writer, text), and whether the owner has read the last one). Every featured
# login ends up with unread messages, several in their own language.
CONVERSATIONS: list[tuple[str, str, str, list[tuple[str, str]], bool]] = [
    (
        "anna.schmidt", "marie.dubois", "en",
        [
            ("anna.schmidt", "Hello Marie, three of our members would like to take part. Is "
                             "there still room?"),
            ("marie.dubois", "Hi Anna! Yes, two places are left. Could you send a short profile "
                             "of them?"),
            ("anna.schmidt", "Here it is: three **SMEs** with 20 to 80 staff, one of them with "
                             "a test site we could share."),
        ],
        False,
    ),
    (
        "javier.garcia", "anna.schmidt", "en",
        [("javier.garcia", "Good morning Anna, we are interested in your offer for our SMEs. "
                           "Could we have a short call next week?")],
        False,
    ),
    (
        "stefan.gruber", "anna.schmidt", "de",
        [
            ("stefan.gruber", "Guten Tag Frau Schmidt, ich berate in Tirol mehrere KMU, die "
                              "genau so eine Zusammenarbeit suchen. Wäre ein kurzes Gespräch "
                              "möglich?"),
            ("anna.schmidt", "Gern, Herr Gruber. Passt Ihnen Donnerstag um 10 Uhr?"),
            ("stefan.gruber", "Donnerstag um 10 Uhr passt gut. Ich schicke Ihnen vorab eine "
                              "kurze Übersicht der drei Unternehmen."),
        ],
        False,
    ),
    (
        "claire.morel", "marie.dubois", "fr",
        [
            ("claire.morel", "Bonjour Marie, j’accompagne deux PME lyonnaises qui seraient "
                             "intéressées. Pouvez-vous me dire quel est le calendrier ?"),
            ("marie.dubois", "Bonjour Claire, les premiers rendez-vous auront lieu en mars. Je "
                             "vous envoie le programme détaillé."),
            ("claire.morel", "Merci beaucoup ! Est-ce que les frais de déplacement sont pris "
                             "en charge pour les PME aussi ?"),
        ],
        False,
    ),
    (
        "lucia.arrieta", "javier.garcia", "es",
        [
            ("lucia.arrieta", "Hola Javier, trabajo con varias pymes vascas que encajan en "
                              "vuestra propuesta. ¿Seguís buscando socios?"),
            ("javier.garcia", "¡Hola Lucía! Sí, nos falta un socio con planta piloto. ¿Alguna de "
                              "ellas la tiene?"),
            ("lucia.arrieta", "Una de ellas tiene una planta piloto en Vitoria-Gasteiz. Te "
                              "paso el contacto y una presentación breve."),
        ],
        False,
    ),
    (
        "matteo.lombardi", "giulia.rossi", "it",
        [
            ("matteo.lombardi", "Buongiorno Giulia, seguo alcune PMI piemontesi interessate "
                                "alla vostra offerta. Possiamo sentirci questa settimana?"),
            ("giulia.rossi", "Buongiorno Matteo, volentieri. Le va bene giovedì pomeriggio?"),
            ("matteo.lombardi", "Giovedì alle 15 va benissimo. Le mando prima una breve "
                                "scheda delle aziende."),
        ],
        False,
    ),
    (
        "giulia.rossi", "javier.garcia", "en",
        [("giulia.rossi", "Hello Javier, our members would like to join your consortium. "
                          "Is there a page limit for the partner description?")],
        False,
    ),
    (
        "eva.novakova", "piotr.nowak", "en",
        [
            ("eva.novakova", "Hi Piotr, we are preparing a joint visit for Czech and Polish "
                             "SMEs. Would your cluster co-host it?"),
            ("piotr.nowak", "Hi Eva, gladly. Let us pick a date in April."),
        ],
        True,
    ),
]  # fmt: skip

# One unsolicited advertisement, reported by the person it reached, so the staff's queue of
# reported content has something in it: (sender, recipient, message, reason).
REPORTED = (
    "mehmet.yilmaz",
    "giulia.rossi",
    "Dear partner, we produce LED panels at factory prices. Order now on our website and get "
    "a 30 % discount!",
    "Advertising that has nothing to do with our listing.",
)

# People who follow a featured login's listings, so "followers" and interest show.
FOLLOWERS = ("tom.jansen", "sara.lindqvist", "joao.silva", "aoife.murphy", "yuki.tanaka")


def _listing_authors() -> list[tuple[Organisation, User]]:
    rows = (
        OrganisationMembership.objects.filter(
            organisation__status=ModerationStatus.PUBLISHED,
            user__is_active=True,
            user__email_verified=True,
        )
        .select_related("organisation", "organisation__primary_ecosystem", "user")
        .order_by("organisation__slug", "created_at")
    )
    seen: dict[int, tuple[Organisation, User]] = {}
    for membership in rows:
        seen.setdefault(membership.organisation_id, (membership.organisation, membership.user))
    return list(seen.values())


def demo_xchange(*, seed: int, today: dt.date, progress: Callable[[str], Any]) -> None:
    rng = random.Random(seed * 7919 + 1)
    # Closing dates must lie ahead of the real today, whatever date the demo is built around.
    opens_until = max(today, timezone.localdate())
    authors = _listing_authors()
    listings = []
    conversations = 0
    with transaction.atomic():
        for organisation, author in authors:
            ecosystem = organisation.primary_ecosystem
            slug = ecosystem.slug if ecosystem else "digital"
            # Most organisations of a French-, German-, Spanish- or Italian-speaking place
            # post in their language, the others in English (the language is the key of
            # texts.LISTINGS, stored as the listing's language).
            lang = texts.language_of_place(str(organisation.country), organisation.city)
            if lang != "en" and rng.random() < 0.3:
                lang = "en"
            templates = texts.LISTINGS[lang]
            for kind, category, title, description in rng.sample(templates, k=rng.randint(1, 2)):
                values = {"theme": texts.theme(slug, lang), "city": organisation.city}
                listings.append(
                    listing_create(
                        author=author,
                        organisation=organisation,
                        kind=kind,
                        category=category,
                        title=title.format(**values)[:200],
                        description=description.format(**values),
                        ecosystems=[ecosystem] if ecosystem else [],
                        valid_until=opens_until + dt.timedelta(days=rng.randint(30, 240)),
                        language=lang,
                    )
                )
        people = {
            u.email.split("@")[0]: u
            for u in User.objects.filter(email__endswith="@clusterhub.example")
        }
        for visitor_name, owner_name, _lang, lines, owner_read in CONVERSATIONS:
            visitor, owner = people.get(visitor_name), people.get(owner_name)
            if visitor is None or owner is None:
                continue
            theirs = [
                listing
                for listing in listings
                if listing.organisation.memberships.filter(user=owner).exists()
            ]
            if not theirs:
                continue
            listing = theirs[conversations % len(theirs)]
            listing_follow(listing=listing, user=visitor)
            _, first_text = lines[0]
            conversation, _created = listing_express_interest(
                user=visitor, listing=listing, message=first_text, client_id=f"demo-{visitor_name}"
            )
            conversations += 1
            last = None
            for n, (name, text) in enumerate(lines[1:], start=1):
                last, _ = message_send(
                    sender=people[name],
                    conversation=conversation,
                    body=text,
                    client_id=f"demo-{visitor_name}-{owner_name}-{n}",
                )
            # A sender has read up to their own message; the other side's last word stays
            # unread unless the script says the owner has read it.
            if owner_read and last is not None:
                conversation_mark_read(user=owner, conversation=conversation, message_id=last.pk)
            for follower_name in FOLLOWERS:
                follower = people.get(follower_name)
                if follower is not None:
                    listing_follow(listing=listing, user=follower)
        reports = _report_advertisement(people, listings)
        # What the worker would write a moment later: the `message.new` notifications.
        while message_notifications_drain():
            pass
    progress(
        f"ClusterXchange: {len(listings)} listings, {conversations} conversations, "
        f"{reports} reported message"
    )


def _report_advertisement(people: dict[str, User], listings: list[Any]) -> int:
    sender_name, owner_name, text, reason = REPORTED
    sender, owner = people.get(sender_name), people.get(owner_name)
    theirs = [
        listing
        for listing in listings
        if owner is not None and listing.organisation.memberships.filter(user=owner).exists()
    ]
    if sender is None or owner is None or not theirs:
        return 0
    conversation, _created = listing_express_interest(
        user=sender, listing=theirs[-1], message=text, client_id=f"demo-{sender_name}"
    )
    message = conversation.messages.filter(sender=sender).latest("pk")
    conversation_mark_read(user=owner, conversation=conversation, message_id=message.pk)
    message_report(reporter=owner, message=message, reason=reason)
    return 1


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_xchange(seed=seed, today=today, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="messaging.demo")
