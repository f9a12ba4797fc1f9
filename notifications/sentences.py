"""A notification's sentence kept so it can be written again in the reader's language.

Call sites build `Sentence(gettext_noop("New message from %(who)s"), {"who": name})`;
`notify()` stores it in `Notification.data["sentence"]` and `notification_text()` renders it
in the active language wherever the notification is shown (list, API, live event, push,
e-mail, digest). Parameters are plain text (names, titles) or nested Sentences (a
translated fallback such as "a conversation").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext


@dataclass(frozen=True)
class Sentence:
    msgid: str
    params: Mapping[str, str | Sentence] = field(default_factory=dict)

    def render(self) -> str:
        """The sentence in the active language. Raises KeyError/ValueError/TypeError when
        the (possibly changed) msgid and the stored params do not fit together."""
        translated = gettext(self.msgid)
        if not self.params:
            return translated
        values = {
            name: value.render() if isinstance(value, Sentence) else str(value)
            for name, value in self.params.items()
        }
        return translated % values

    def to_data(self) -> dict[str, Any]:
        return {
            "msgid": self.msgid,
            "params": {
                name: value.to_data() if isinstance(value, Sentence) else str(value)
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_data(cls, data: Any) -> Sentence | None:
        """The Sentence stored by `to_data`, or None for anything else."""
        if not isinstance(data, dict) or not isinstance(data.get("msgid"), str):
            return None
        raw = data.get("params") or {}
        if not isinstance(raw, dict):
            return None
        params: dict[str, str | Sentence] = {}
        for name, value in raw.items():
            nested = cls.from_data(value) if isinstance(value, dict) else None
            params[str(name)] = nested if nested is not None else str(value)
        return cls(data["msgid"], params)


def notification_text(notification: Any) -> str:
    """What a notification says, in the active language: its Sentence rendered again when it
    has one (and it still renders), else the `verb` written when it was created."""
    data = getattr(notification, "data", None)
    sentence = Sentence.from_data(data.get("sentence")) if isinstance(data, dict) else None
    if sentence is not None:
        try:
            return sentence.render()
        except (KeyError, ValueError, TypeError):
            pass
    return str(notification.verb)
