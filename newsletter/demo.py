# ruff: noqa: E501, RUF001 (demo prose in five languages, with their typographic apostrophes)
"""Demo newsletter for `manage.py seed_demo`: about 40 subscribers in five languages (some
with topics, one a member subscribed from her account), two sent issues with their reports
(sent, bounced, unsubscribed after the issue) and a draft. The same again on a rerun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from community.demo.builder import DEMO_DOMAIN, STAFF_EMAIL
from community.models import Ecosystem, ModerationStatus, NewsItem, User
from community.signals import demo_seeded
from hub.models import Call
from newsletter.models import (
    Delivery,
    DeliveryState,
    Issue,
    IssueState,
    IssueText,
    Subscriber,
    SubscriberState,
)
from newsletter.services.issues import TextInput, issue_create
from webinars.models import Event

# (local part, domain, language, ecosystems, countries, calls, events)
PEOPLE: list[tuple[str, str, str, list[str], list[str], bool, bool]] = [
    ("marie.dubois", "cluster-lyon.example", "fr", ["digital"], ["FR"], True, False),
    ("julien.moreau", "aerospace-valley.example", "fr", ["aerospace-defence"], [], True, True),
    ("camille.lefevre", "pole-mer.example", "fr", [], [], False, False),
    ("thomas.bernard", "agri-sud-ouest.example", "fr", ["agri-food"], ["FR", "ES"], False, False),
    ("lea.garnier", "cap-digital.example", "fr", [], [], True, False),
    ("nicolas.roux", "tenerrdis.example", "fr", ["energy-renewables"], [], False, True),
    ("claire.fontaine", "minalogic.example", "fr", ["electronics"], [], False, False),
    (
        "jonas.weber",
        "bayern-innovativ.example",
        "de",
        ["mobility-transport-automotive"],
        [],
        True,
        False,
    ),
    ("lena.fischer", "biosaxony.example", "de", ["health"], ["DE"], False, True),
    ("maximilian.koch", "it-cluster-ooe.example", "de", ["digital"], ["AT", "DE"], False, False),
    ("sophie.wagner", "cluster-nrw.example", "de", [], [], False, False),
    ("felix.becker", "textil-cluster.example", "de", ["textiles"], [], True, False),
    ("hannah.schulz", "energieregion.example", "de", [], [], False, False),
    ("lukas.hoffmann", "silicon-saxony.example", "de", ["electronics", "digital"], [], True, True),
    ("lucia.garcia", "clusteralimentario.example", "es", ["agri-food"], ["ES"], True, False),
    ("pablo.martinez", "aeroclust.example", "es", ["aerospace-defence"], [], False, False),
    ("carmen.lopez", "turismo-canarias.example", "es", ["tourism"], ["ES", "PT"], False, True),
    ("javier.sanchez", "gaia-cluster.example", "es", ["digital"], [], True, False),
    ("elena.romero", "cluster-salud.example", "es", [], [], False, False),
    ("diego.navarro", "moda-cluster.example", "es", ["textiles", "retail"], [], False, False),
    ("giulia.rossi", "lombardia-energy.example", "it", ["energy-renewables"], ["IT"], True, False),
    ("marco.bianchi", "cluster-agrifood.example", "it", ["agri-food"], [], False, True),
    ("francesca.romano", "distretto-aerospaziale.example", "it", [], [], False, False),
    ("luca.colombo", "smart-factory.example", "it", ["digital", "electronics"], [], True, True),
    ("sara.ricci", "cluster-turismo.example", "it", ["tourism"], [], False, False),
    ("andrea.marino", "cluster-costruzioni.example", "it", ["construction"], ["IT"], False, False),
    ("emma.jansen", "brainport.example", "en", ["electronics"], ["NL"], True, False),
    ("liam.murphy", "enterprise-ireland.example", "en", [], [], False, False),
    ("olivia.smith", "cluster-collaboration.example", "en", [], [], True, True),
    (
        "noah.nielsen",
        "cleantech-denmark.example",
        "en",
        ["energy-renewables"],
        ["DK"],
        False,
        False,
    ),
    ("ana.novak", "slovenian-wood.example", "en", ["construction"], ["SI"], True, False),
    (
        "piotr.kowalski",
        "cluster-silesia.example",
        "en",
        ["energy-intensive-industries"],
        ["PL"],
        False,
        False,
    ),
    ("eva.horvath", "pannon-cluster.example", "en", ["health"], [], False, True),
    ("mikko.virtanen", "health-capital.example", "en", ["health", "digital"], ["FI"], False, False),
    ("ines.pereira", "produtech.example", "en", [], ["PT"], True, False),
    ("kostas.papadopoulos", "si-cluster.example", "en", ["digital"], ["GR"], False, False),
    ("maria.ionescu", "transilvania-it.example", "en", [], [], False, False),
    (
        "jan.novak",
        "moravian-cluster.example",
        "en",
        ["mobility-transport-automotive"],
        ["CZ"],
        True,
        False,
    ),
    ("ayse.yilmaz", "istanbul-textile.example", "en", ["textiles"], ["TR"], False, False),
]
# Addresses the mail server refused at the first sent issue (bounced), and subscribers who
# left after each sent issue (their rows are gone; the issue's report counts them).
BOUNCED = {"hannah.schulz", "maria.ionescu"}
LEFT_AFTER = {0: 3, 1: 2}

ISSUES: list[dict[str, Any]] = [
    {
        "days": (75, 46),
        "texts": {
            "en": (
                "Spring funding round-up",
                "Welcome to the **spring** issue: three calls worth a look before summer, and the events where clusters meet.",
            ),
            "fr": (
                "Tour d’horizon des financements de printemps",
                "Bienvenue dans le numéro de **printemps** : trois appels à regarder avant l’été, et les événements où les clusters se retrouvent.",
            ),
            "de": (
                "Förderüberblick im Frühjahr",
                "Willkommen zur **Frühjahrsausgabe**: drei Ausschreibungen, die vor dem Sommer einen Blick wert sind, und die Treffpunkte der Cluster.",
            ),
        },
    },
    {
        "days": (45, 16),
        "texts": {
            "en": (
                "Partnerships and the green transition",
                "This month we look at how clusters team up across borders for the *green transition*.\n\n- new calls for partners\n- webinars on hydrogen valleys",
            ),
            "fr": (
                "Partenariats et transition verte",
                "Ce mois-ci, comment les clusters s’associent par-delà les frontières pour la *transition verte*.\n\n- de nouveaux appels à partenaires\n- des webinaires sur les vallées de l’hydrogène",
            ),
            "es": (
                "Alianzas y transición verde",
                "Este mes vemos cómo los clústeres se asocian más allá de las fronteras para la *transición verde*.\n\n- nuevas convocatorias de socios\n- seminarios web sobre valles del hidrógeno",
            ),
            "it": (
                "Partenariati e transizione verde",
                "Questo mese vediamo come i cluster collaborano oltre i confini per la *transizione verde*.\n\n- nuovi inviti a cercare partner\n- webinar sulle valli dell’idrogeno",
            ),
        },
    },
    {
        "days": (15, 0),
        "texts": {
            "en": ("Draft: autumn issue", "Work in progress: pick the news of the last two weeks."),
        },
    },
]


def _items(start: dt.datetime, end: dt.datetime, count: int) -> list[tuple[str, int]]:
    news = NewsItem.objects.filter(status=ModerationStatus.PUBLISHED).order_by("-published_at")
    in_period = list(news.filter(published_at__gte=start, published_at__lte=end)[:3]) or list(
        news[:3]
    )
    calls = list(
        Call.objects.filter(status=ModerationStatus.PUBLISHED, deadline__gte=start).order_by(
            "deadline"
        )[:3]
    )
    events = list(
        Event.objects.filter(status=ModerationStatus.PUBLISHED, ends_at__gte=start).order_by(
            "starts_at"
        )[:2]
    )
    picked = (
        [("news", n.pk) for n in in_period]
        + [("call", c.pk) for c in calls]
        + [("event", e.pk) for e in events]
    )
    return picked[:count]


@transaction.atomic
def demo_newsletter(*, today: dt.date, progress: Callable[[str], Any]) -> None:
    staff = (
        User.objects.filter(email=STAFF_EMAIL).first() or User.objects.filter(is_staff=True).first()
    )
    if staff is None:
        return
    subscribers = []
    for index, (local, domain, language, ecos, countries, calls, events) in enumerate(PEOPLE):
        subscriber, created = Subscriber.objects.get_or_create(
            email=f"{local}@{domain}",
            defaults={
                "language": language,
                "countries": countries,
                "calls": calls,
                "events": events,
                "confirmed_at": timezone.now() - dt.timedelta(days=120 - index),
            },
        )
        if created:
            subscriber.ecosystems.set(Ecosystem.objects.filter(slug__in=ecos))
        subscribers.append((local, subscriber))
    anna = User.objects.filter(email=f"anna.schmidt@{DEMO_DOMAIN}").first()
    if anna is not None:
        member, _created = Subscriber.objects.get_or_create(
            email=anna.email, defaults={"language": "de", "user": anna, "events": True}
        )
        subscribers.append(("anna.schmidt", member))

    made = 0
    for number, spec in enumerate(ISSUES):
        english = spec["texts"]["en"][0]
        if IssueText.objects.filter(language="en", subject=english).exists():
            continue
        first, last = spec["days"]
        start = timezone.now() - dt.timedelta(days=first)
        end = timezone.now() - dt.timedelta(days=last)
        items = _items(start, end, 7)
        if not items:
            continue
        issue = issue_create(
            user=staff,
            period_start=(today - dt.timedelta(days=first)),
            period_end=(today - dt.timedelta(days=last)),
            texts={lang: TextInput(s, e) for lang, (s, e) in spec["texts"].items()},
            items=items,
        )
        made += 1
        if number == len(ISSUES) - 1:
            continue  # the draft
        sent_at = end + dt.timedelta(days=1)
        rows = []
        for local, subscriber in subscribers:
            bounced = number == 0 and local in BOUNCED
            rows.append(
                Delivery(
                    issue=issue,
                    subscriber=subscriber,
                    state=DeliveryState.BOUNCED if bounced else DeliveryState.SENT,
                    language=subscriber.language,
                    sent_at=sent_at,
                    error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable" if bounced else "",
                )
            )
        # Those who left after this issue: their rows stay, without a subscriber.
        rows.extend(
            Delivery(
                issue=issue,
                subscriber=None,
                state=DeliveryState.SENT,
                sent_at=sent_at,
                language="en",
                unsubscribed_at=sent_at + dt.timedelta(days=2 + n),
            )
            for n in range(LEFT_AFTER[number])
        )
        Delivery.objects.bulk_create(rows)
        Issue.objects.filter(pk=issue.pk).update(
            state=IssueState.SENT,
            queued_at=sent_at,
            sent_at=sent_at + dt.timedelta(minutes=3),
            recipients=len(rows),
        )
        if number == 0:
            Subscriber.objects.filter(
                email__in=[s.email for who, s in subscribers if who in BOUNCED]
            ).update(state=SubscriberState.BOUNCED, bounced_at=sent_at)
    progress(
        f"Newsletter: {Subscriber.objects.count()} subscribers, {made} issues added "
        f"({Issue.objects.filter(state=IssueState.SENT).count()} sent, "
        f"{Issue.objects.filter(state=IssueState.DRAFT).count()} draft)"
    )


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_newsletter(today=today, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="newsletter.demo")
