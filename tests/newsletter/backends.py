"""A locmem e-mail backend whose server refuses some recipients, like an SMTP server."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Refuses (550) every address that contains "bounce"; fails (421) while FAIL is set."""

    FAIL = False

    def send_messages(self, messages: Any) -> int:
        if RefusingBackend.FAIL:
            raise smtplib.SMTPServerDisconnected("421 try later")
        for message in messages:
            refused = [to for to in message.to if "bounce" in to]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"no such user")))
        return super().send_messages(messages)
