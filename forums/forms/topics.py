"""Forms of the forum pages. They only parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms.richtext import rich_text_field
from forums.models import REACTION_EMOJIS, TOPIC_FLAG_VERBS, SubscriptionLevel
from forums.services.topics import MAX_BODY_LENGTH, MAX_TITLE_LENGTH

MENTION_HELP = _("Mention someone who can read this forum with @[Full Name].")


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    body = rich_text_field(label=_("Your post"), max_length=MAX_BODY_LENGTH)
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Ticked by the author once warned that the post mentions more than 10 people.
    confirm_mentions = forms.BooleanField(required=False)


class ReplyForm(forms.Form):
    body = rich_text_field(label=_("Your reply"), max_length=MAX_BODY_LENGTH)
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    confirm_mentions = forms.BooleanField(required=False)


class EditForm(forms.Form):
    body = rich_text_field(label=_("Your post"), max_length=MAX_BODY_LENGTH)
    confirm_mentions = forms.BooleanField(required=False)


class ReactionForm(forms.Form):
    emoji = forms.ChoiceField(choices=[(e, e) for e in REACTION_EMOJIS])
    remove = forms.BooleanField(required=False)


class SubscriptionForm(forms.Form):
    level = forms.ChoiceField(label=_("Notifications"), choices=SubscriptionLevel.choices)


class TopicModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(v.value, v.label) for v in TOPIC_FLAG_VERBS],
    )
    reason = forms.CharField(label=_("Reason (for the moderation log)"), max_length=2000)


class PostModerationForm(forms.Form):
    hidden = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason (for the moderation log)"), max_length=2000)


class PostFlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should a moderator look at this post?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
