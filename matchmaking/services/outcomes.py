"""The one-click outcome of a meeting: held or no-show, and whether a follow-up is planned.

Either of the two people reports it, from the slot's start until 7 days after its end
(matchmaking.selectors.agenda.OUTCOME_CHANGEABLE_FOR); the last report counts, and who made
it and when is kept. The organiser's report reads these fields.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matchmaking.models import Meeting, MeetingOutcome, MeetingStatus, Participant
from matchmaking.selectors.agenda import OUTCOME_CHANGEABLE_FOR


def meeting_outcome_set(
    *,
    meeting: Meeting,
    participant: Participant,
    outcome: str,
    follow_up_planned: bool | None = None,
) -> Meeting:
    """Record `outcome` ("held" or "no_show") and `follow_up_planned` for `meeting`.

    Preconditions: `participant` is one of the meeting's two people (meeting_own_get_for).
    Raises ValidationError (nothing stored) for a cancelled meeting, before the slot starts,
    or once the week after it has passed. A no-show has no follow-up (stored as None)."""
    if outcome not in (MeetingOutcome.HELD, MeetingOutcome.NO_SHOW):
        raise ValidationError({"outcome": _("Choose “held” or “no-show”.")})
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("slot").get(pk=meeting.pk)
        now = timezone.now()
        if meeting.status != MeetingStatus.CONFIRMED:
            raise ValidationError(_("This meeting was cancelled."))
        if now < meeting.slot.starts_at:
            raise ValidationError(_("You can say how the meeting went once it has started."))
        if now >= meeting.slot.ends_at + OUTCOME_CHANGEABLE_FOR:
            raise ValidationError(
                _("The outcome of a meeting can be changed for 7 days after it, no longer.")
            )
        meeting.outcome = outcome
        meeting.follow_up_planned = None if outcome == MeetingOutcome.NO_SHOW else follow_up_planned
        meeting.outcome_by = participant
        meeting.outcome_at = now
        meeting.save(update_fields=["outcome", "follow_up_planned", "outcome_by", "outcome_at"])
    return meeting
