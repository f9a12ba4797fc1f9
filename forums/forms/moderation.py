"""Forms of the moderation pages and controls (forums/views/moderation.py). They only parse
input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import ForumGroup

REASON_LABEL = _("Reason (for the moderation log)")


class GroupChoiceField(forms.ModelChoiceField[ForumGroup]):
    def label_from_instance(self, obj: ForumGroup) -> str:
        return f"{obj.forum.label} / {obj.label}"


class PersonChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.email})"


class TopicMoveForm(forms.Form):
    group = GroupChoiceField(queryset=ForumGroup.objects.none(), label=_("Move to group"))
    reason = forms.CharField(label=REASON_LABEL, max_length=2000)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, GroupChoiceField)
        if groups is not None:
            field.queryset = groups


class TopicMergeForm(forms.Form):
    target = forms.IntegerField(
        label=_("Merge into topic number"),
        min_value=1,
        help_text=_("The number in the other topic's address: /forums/topics/<number>/."),
    )
    reason = forms.CharField(label=REASON_LABEL, max_length=2000)


class SuspensionForm(forms.Form):
    user = PersonChoiceField(queryset=ForumGroup.objects.none(), label=_("Person"))
    until = forms.DateTimeField(
        label=_("Suspended until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    reason = forms.CharField(label=REASON_LABEL, max_length=2000)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, PersonChoiceField)
        field.queryset = people  # readers of the forum (the view passes them)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=REASON_LABEL, max_length=2000)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person by name or email"), max_length=100, required=False)


class MemberAddForm(forms.Form):
    user = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
