"""SMEs Go International desk demo data, added by `manage.py seed_demo` after the
community's (this module's receiver is connected by hub/apps.py).

Eight enquiries from cluster managers about entering markets outside the EU — Canada,
Japan, India, Brazil, South Africa, Ukraine, Vietnam, Tunisia — in English, French, German,
Spanish and Italian, one or more in each state (received, one of them overdue; assigned;
answered; waiting for the asker; closed), some from demo members (found under their
account) and some from visitors (their tracking links work). The demo staff member, Eleni
Markou, is assigned to them; their threads hold answers, questions back, replies and staff
notes, with dates relative to the seed.

Written with the models (the services are for people's requests, and would send e-mail);
idempotent: run again, the same enquiries are replaced by the same data.
"""

# ruff: noqa: RUF001, E501  (typographic apostrophes are intended; the texts are long)
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from community.demo.builder import DEMO_DOMAIN, STAFF_EMAIL
from community.models import Ecosystem, User
from community.signals import demo_seeded
from hub.models import Enquiry, EnquiryMessage, EnquiryState
from hub.selectors.enquiries import enquiry_token_for, enquiry_token_hash

# Messages: (kind, hours after receipt, from staff?, text)
ENQUIRIES: list[dict[str, Any]] = [
    {
        "subject": "Certificazione per esportare formaggi DOP in Canada",
        "member": None,
        "name": "Chiara Bruno",
        "email": "chiara.bruno@agrifood-marche.example",
        "organisation": "Cluster Agrifood Marche",
        "language": "it",
        "country": "CA",
        "ecosystem": "agri-food",
        "days_ago": 2,
        "state": EnquiryState.RECEIVED,
        "question": "Buongiorno,\n\nsei caseifici del nostro cluster vorrebbero esportare **pecorino DOP** in Canada sfruttando il CETA.\n\n- Quali licenze servono presso la CFIA?\n- Le quote tariffarie per i formaggi UE sono ancora disponibili per il 2027?\n\nGrazie.",
        "messages": [],
    },
    {
        "subject": "Local-content rules for solar component suppliers in South Africa",
        "member": None,
        "name": "Thomas Keller",
        "email": "t.keller@solar-cluster-bw.example",
        "organisation": "Solar Cluster Baden-Württemberg",
        "language": "en",
        "country": "ZA",
        "ecosystem": "energy-renewables",
        "days_ago": 8,
        "state": EnquiryState.RECEIVED,
        "question": "Four of our member SMEs make mounting systems and inverters. South Africa’s renewable energy procurement programme (REIPPPP) sets **local-content thresholds**.\n\nDo components assembled locally from EU parts count, and is there a list of local partners already certified?",
        "messages": [],
    },
    {
        "subject": "Salons professionnels aéronautiques au Japon",
        "member": "marie.dubois",
        "language": "fr",
        "country": "JP",
        "ecosystem": "aerospace-defence",
        "days_ago": 4,
        "state": EnquiryState.ASSIGNED,
        "question": "Bonjour,\n\nnotre cluster accompagne douze PME sous-traitantes de rang 2. Nous préparons une mission au Japon en 2027 : quel salon privilégier entre le **Japan International Aerospace Exhibition** et les rencontres d’affaires de l’EU-Japan Centre ?\n\nExiste-t-il un soutien financier pour un pavillon collectif ?",
        "messages": [
            (
                "note",
                20,
                True,
                "Check with the EU-Japan Centre whether the 2027 Aerospace mission still has places before answering.",
            ),
        ],
    },
    {
        "subject": "Joint Venture oder Tochtergesellschaft in Indien?",
        "member": "anna.schmidt",
        "language": "de",
        "country": "IN",
        "ecosystem": "mobility-transport-automotive",
        "days_ago": 12,
        "state": EnquiryState.ANSWERED,
        "question": "Guten Tag,\n\nzwei Zulieferer aus unserem Cluster (Elektromobilität, 80 und 140 Beschäftigte) wollen in Pune produzieren. Was spricht für ein **Joint Venture** mit einem indischen Partner, was für eine eigene Tochtergesellschaft? Gibt es Beratung vor Ort?",
        "messages": [
            (
                "answer",
                50,
                True,
                "Sehr geehrte Frau Schmidt,\n\nfür Unternehmen dieser Größe empfehlen wir meist eine **Tochtergesellschaft (Private Limited)**: volle Kontrolle über Technologie und Qualität, 100 % ausländische Beteiligung ist im Automobilsektor erlaubt.\n\nEin Joint Venture lohnt sich, wenn der Partner Kundenzugang zu den OEMs mitbringt.\n\n- Der India Desk der Europäischen Handelskammer bietet kostenlose Erstberatung in Pune.\n- Das Programm *EU Business Avenues* organisiert Matchmaking mit indischen Zulieferern.\n\nMit freundlichen Grüßen\nEleni Markou",
            ),
        ],
    },
    {
        "subject": "Maquinaria agrícola: homologación en Brasil",
        "member": None,
        "name": "Lucía Fernández",
        "email": "lucia.fernandez@cluster-maquinaria.example",
        "organisation": "Clúster de Maquinaria Agrícola de Aragón",
        "language": "es",
        "country": "BR",
        "ecosystem": "agri-food",
        "days_ago": 9,
        "state": EnquiryState.AWAITING_ASKER,
        "question": "Hola:\n\nvarias empresas de nuestro clúster fabrican sembradoras y quieren venderlas en Mato Grosso. ¿Qué **homologación** exige Brasil (INMETRO, MAPA) y cuánto tarda?",
        "messages": [
            (
                "question",
                30,
                True,
                "Hola, Lucía:\n\npara orientarte bien necesitamos saber si las máquinas llevan **componentes eléctricos o electrónicos** (sensores, control de siembra) y si pensáis vender a través de un distribuidor brasileño o directamente. ¿Nos lo puedes indicar?",
            ),
        ],
    },
    {
        "subject": "Ricostruzione in Ucraina: appalti per le imprese edili del cluster",
        "member": "giulia.rossi",
        "language": "it",
        "country": "UA",
        "ecosystem": "construction",
        "days_ago": 30,
        "state": EnquiryState.CLOSED,
        "close_reason": "resolved",
        "question": "Buongiorno,\n\nle nostre imprese di prefabbricazione in legno vorrebbero partecipare alla ricostruzione in Ucraina. Dove vengono pubblicati gli **appalti** finanziati dall’Ukraine Facility e servono partner locali?",
        "messages": [
            (
                "answer",
                26,
                True,
                "Buongiorno Giulia,\n\ngli appalti finanziati dall’UE sono pubblicati sul sistema ucraino **Prozorro** e, per i progetti delle banche europee, sui portali di BEI e BERS. Un partner ucraino non è obbligatorio ma aiuta molto per permessi e manodopera.\n\nLe segnaliamo anche il *Ukraine Business Compact* e gli incontri B2B della rete Enterprise Europe Network.",
            ),
            (
                "reply",
                70,
                False,
                "Grazie mille, molto utile. Abbiamo registrato due imprese su Prozorro.",
            ),
        ],
        "closed_after_hours": 96,
    },
    {
        "subject": "Sourcing recycled fibres from Vietnam",
        "member": None,
        "name": "Piotr Zieliński",
        "email": "p.zielinski@lodz-textile.example",
        "organisation": "Łódź Textile Cluster",
        "language": "en",
        "country": "VN",
        "ecosystem": "textiles",
        "days_ago": 45,
        "state": EnquiryState.CLOSED,
        "close_reason": "no_reply",
        "question": "Our members look for suppliers of recycled polyester fibre in Vietnam with **GRS certification**. Can the desk introduce us to reliable producers?",
        "messages": [
            (
                "question",
                40,
                True,
                "Thank you, Piotr. Which volumes per year do your members need, and do they require a specific fibre length? That tells us which producers to approach.",
            ),
        ],
        "closed_after_hours": 24 * 30,
    },
    {
        "subject": "Plateforme numérique et protection des données en Tunisie",
        "member": None,
        "name": "Karim Haddad",
        "email": "k.haddad@digital-provence.example",
        "organisation": "Pôle Numérique Provence",
        "language": "fr",
        "country": "TN",
        "ecosystem": "digital",
        "days_ago": 6,
        "state": EnquiryState.ASSIGNED,
        "question": "Une start-up de notre pôle veut héberger en Tunisie les données d’une plateforme de télémédecine. Quelles règles de **protection des données** s’appliquent et un transfert depuis l’UE est-il possible ?",
        "messages": [
            (
                "question",
                28,
                True,
                "Bonjour Karim,\n\nles données de santé concernent-elles des patients européens, tunisiens, ou les deux ?",
            ),
            (
                "reply",
                100,
                False,
                "Les deux : des patients tunisiens suivis par des médecins français.",
            ),
            (
                "note",
                104,
                True,
                "Reopened by the asker’s reply. Ask our data-protection contact at the EU Delegation in Tunis.",
            ),
        ],
    },
]


def _member(local: str | None) -> User | None:
    if not local:
        return None
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


@transaction.atomic
def demo_enquiries(*, today: dt.date, progress: Callable[[str], Any]) -> None:
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    Enquiry.objects.filter(subject__in=[row["subject"] for row in ENQUIRIES]).delete()
    noon = timezone.make_aware(
        dt.datetime.combine(today, dt.time(10, 30)), timezone.get_default_timezone()
    )
    made: list[Enquiry] = []
    for row in ENQUIRIES:
        member = _member(row["member"])
        membership = member.memberships.select_related("organisation").first() if member else None
        received = noon - dt.timedelta(days=row["days_ago"])
        enquiry = Enquiry(
            asker=member,
            name=member.display_name if member else row.get("name", ""),
            email=member.email if member else row.get("email", ""),
            organisation=row.get("organisation", "")
            or (membership.organisation.name if membership else ""),
            language=row["language"],
            country=row["country"],
            ecosystem=ecosystems.get(row["ecosystem"]),
            subject=row["subject"],
            question=row["question"],
            state=row["state"],
            assignee=staff if row["state"] != EnquiryState.RECEIVED else None,
            received_at=received,
            waiting_since=received,
            token_salt="" if member else secrets.token_hex(16),
        )
        if not member:
            enquiry.token_hash = enquiry_token_hash(enquiry_token_for(enquiry))
        enquiry.save()
        for kind, hours, from_staff, text in row["messages"]:
            at = received + dt.timedelta(hours=hours)
            EnquiryMessage.objects.create(
                enquiry=enquiry,
                kind=kind,
                author=staff if from_staff else member,
                body=text,
                created_at=at,
            )
            if kind in ("answer", "question") and enquiry.first_answered_at is None:
                enquiry.first_answered_at = at
            if kind == "reply":
                enquiry.waiting_since = at
        if row["state"] == EnquiryState.CLOSED:
            enquiry.closed_at = received + dt.timedelta(hours=row["closed_after_hours"])
            enquiry.close_reason = row["close_reason"]
        enquiry.save()
        made.append(enquiry)
    states = sorted({e.state for e in made})
    progress(f"International desk: {len(made)} enquiries ({', '.join(states)})")


def on_demo_seeded(
    sender: Any, *, seed: int, today: dt.date, progress: Callable[[str], Any], **kwargs: Any
) -> None:
    demo_enquiries(today=today, progress=progress)


def connect() -> None:
    demo_seeded.connect(on_demo_seeded, dispatch_uid="hub.demo_enquiries")
