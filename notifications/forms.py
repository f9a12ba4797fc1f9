from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import DeliverySettings


class DeliverySettingsForm(forms.ModelForm[DeliverySettings]):
    class Meta:
        model = DeliverySettings
        fields = ["quiet_start", "quiet_end", "timezone", "digest"]
        labels = {
            "quiet_start": _("Quiet hours start"),
            "quiet_end": _("Quiet hours end"),
            "timezone": _("Time zone"),
            "digest": _("Email digest of what I missed"),
        }
        help_texts = {
            "quiet_start": _("No push or email between these times; they wait until the end."),
        }
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_timezone(self) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        value: str = self.cleaned_data["timezone"]
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(_("Unknown time zone.")) from exc
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return data
