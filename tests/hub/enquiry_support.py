"""Shared helpers of the desk's tests: an enquiry from a visitor or a member, and the
tracking link a visitor receives by e-mail."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail

from hub.models import Enquiry
from hub.services import enquiries as desk

LINK = re.compile(r"https?://\S+/desk/track/([0-9a-f]+)/")


def visitor_enquiry(**extra: Any) -> Enquiry:
    values: dict[str, Any] = {
        "user": None,
        "name": "Chiara Bruno",
        "email": "chiara@cluster.example",
        "organisation": "Cluster Agrifood Marche",
        "country": "CA",
        "subject": "Exporting cheese to Canada",
        "question": "Which **certificates** do our members need?",
        "language": "it",
    }
    values.update(extra)
    return desk.enquiry_submit(**values)


def member_enquiry(member: Any, **extra: Any) -> Enquiry:
    values: dict[str, Any] = {
        "user": member,
        "country": "JP",
        "subject": "Trade fairs in Japan",
        "question": "Which fair suits robotics SMEs?",
    }
    values.update(extra)
    return desk.enquiry_submit(**values)


def token_from_outbox(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            found = LINK.search(message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no tracking link was sent to {address}")
