from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from newsletter.services.issues import TextInput


class IssueForm(forms.Form):
    """Period, and a subject and editorial per language (English required)."""

    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%s)") % name,
                max_length=200,
                required=code == settings.LANGUAGE_CODE,
            )
            self.fields[f"editorial_{code}"] = forms.CharField(
                label=_("Editorial (%s)") % name,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6, "lang": code}),
                help_text=_("Markdown: **bold**, *italic*, [links](https://…), lists."),
            )
            self.fields[f"subject_{code}"].widget.attrs["lang"] = code

    def languages(self) -> list[tuple[str, Any, Any, Any]]:
        return [
            (code, name, self[f"subject_{code}"], self[f"editorial_{code}"])
            for code, name in settings.LANGUAGES
        ]

    def texts(self) -> dict[str, TextInput]:
        data = self.cleaned_data
        return {
            code: TextInput(data.get(f"subject_{code}", ""), data.get(f"editorial_{code}", ""))
            for code, _name in settings.LANGUAGES
        }
