"""Pages of ClusterXchange conversations: the inbox, starting a conversation, and the
conversation itself (history, composer, participants and settings).

Everything works without JavaScript (forms that POST, then redirect); config/static/js/
inbox.js and conversation.js make the pages live over the shared socket, and people-picker.js
turns the people search of "new conversation" and "add people" into a combobox. Every page
fetches the conversation or message through the gates in messaging.selectors.conversations
(404 for anyone who is not an active participant) and writes through messaging.services, the
same functions the REST API and the socket actions call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rest_framework.throttling import ScopedRateThrottle

from community.models import User, object_id
from community.selectors.accounts import (
    PERSON_SEARCH_MAX_LENGTH,
    PERSON_SEARCH_MIN_LENGTH,
    PersonMatch,
)
from messaging.events import AttachmentPayload, attachment_payload
from messaging.forms.conversations import (
    ConversationStartForm,
    MessageEditForm,
    MessageForm,
    PeopleAddForm,
    RenameForm,
    ReportForm,
)
from messaging.models import Conversation, Message, MessageKind, Participant
from messaging.selectors import conversations as selectors
from messaging.selectors.contact import organisation_contacts_get_for, organisation_search
from messaging.services import attachments as attachment_services
from messaging.services import blocks as block_services
from messaging.services import conversations as conversation_services
from messaging.services import inbox as inbox_services
from messaging.services import messages as message_services
from realtime.topics import user_topic

INBOX_PAGE_SIZE = 50
MAX_PICKED = 50  # organisations read from one posted picker
HISTORY_PAGE_SIZE = 50


# --- helpers --------------------------------------------------------------------------


def _form_error(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _flash(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc) or _("You may not do this."))


def conversation_name(conversation: Conversation, me: Any) -> str:
    """The title, or the other participants' names."""
    if conversation.title:
        return conversation.title
    others = [
        p.user.display_name
        for p in selectors.active_participants(conversation)
        if p.user_id != me.pk
    ]
    return ", ".join(others) or _("Only you")


@dataclass
class PeoplePicker:
    """The "find people" part of a form (messaging/conversations/_people_picker.html).

    Without JavaScript, the Find button posts the whole form with `search`: the page comes
    back with the people found as checkboxes, and what was chosen and typed so far kept.
    config/static/js/people-picker.js turns the same field into a live combobox.
    """

    q: str = ""
    chosen: list[Any] = field(default_factory=list)
    results: list[PersonMatch] = field(default_factory=list)
    organisations: list[Any] = field(default_factory=list)  # [(organisation, their names)]
    searched: bool = False
    more: bool = False
    hint: str = ""
    exclude: list[int] = field(default_factory=list)


# What ScopedRateThrottle reads of a view: the API's people search scope (PeopleView).
PEOPLE_SEARCH_SCOPE = SimpleNamespace(throttle_scope="people_search")


def _picker(request: HttpRequest, *, exclude: list[int] | None = None) -> PeoplePicker:
    """What the posted form chose and searched for, among the people the user may see."""
    user: Any = request.user
    data = request.POST
    exclude = exclude or []
    picker = PeoplePicker(q=data.get("q", "").strip()[:PERSON_SEARCH_MAX_LENGTH], exclude=exclude)
    ids = [pk for value in data.getlist("people") if (pk := object_id(value)) is not None]
    by_id = {p.pk: p for p in selectors.person_list_visible_to(user).filter(pk__in=ids)}
    picker.chosen = [by_id[pk] for pk in dict.fromkeys(ids) if pk in by_id]
    # Organisations ticked in the last results: their contact people are chosen now.
    organisation_ids = [
        pk for value in data.getlist("organisations") if (pk := object_id(value)) is not None
    ]
    for person in organisation_contacts_get_for(user, organisation_ids[:MAX_PICKED]):
        if person.pk not in by_id and person.pk not in exclude:
            by_id[person.pk] = person
            picker.chosen.append(person)
    if "search" not in data:
        return picker
    picker.searched = True
    # The API's throttle, counting in the same place: the page must not be a way around it.
    throttle = ScopedRateThrottle()
    if len(picker.q) < PERSON_SEARCH_MIN_LENGTH:
        picker.hint = _("Type at least two letters.")
    elif not throttle.allow_request(request, PEOPLE_SEARCH_SCOPE):  # type: ignore[arg-type]
        wait = math.ceil(throttle.wait() or 1)
        picker.hint = ngettext(
            "Too many searches. Try again in %(n)s second.",
            "Too many searches. Try again in %(n)s seconds.",
            wait,
        ) % {"n": wait}
    else:
        matches, picker.more = selectors.person_search(user, picker.q)
        skip = set(by_id) | set(exclude)
        picker.results = [m for m in matches if m.person.pk not in skip]
        organisations, more = organisation_search(user, picker.q)
        picker.more = picker.more or more
        picker.organisations = [
            (organisation, ", ".join(p.display_name for p in contacts if p.pk not in skip))
            for organisation, contacts in organisations
            if any(p.pk not in skip for p in contacts)
        ]
    return picker


def _picker_strings() -> dict[str, str]:
    """What people-picker.js writes on the page, translated here."""
    return {
        "listLabel": _("People found"),
        # No count: its plural forms differ by language, and the listbox tells its size.
        "found": _("People found. Use the up and down arrows, then Enter to choose."),
        "none": _("Nobody found."),
        "more": _("More people match: type more of the name."),
        "short": _("Type at least two letters."),
        "failed": _("The search did not work. Try again."),
        "throttled": _("Too many searches. Wait a moment, then try again."),
        "added": _("%(name)s added."),
        # An organisation in the list of people found: who choosing it adds.
        "organisation": _("Organisation · %(people)s"),
        "addedOrganisation": _("%(name)s: %(people)s added."),
        "removed": _("%(name)s removed."),
    }


# --- inbox ----------------------------------------------------------------------------


@dataclass
class InboxLine:
    conversation: Conversation
    name: str
    last: Message | None
    preview: str
    unread: int
    muted: bool


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    archived = request.GET.get("archived") == "1"
    # Read the topic position before the list: an event in between is applied twice
    # (harmless, idempotent) rather than missed.
    topic = user_topic(int(user.pk or 0))
    seq = selectors.topic_seq(topic)
    page = Paginator(
        selectors.conversation_list_for(user, archived=archived), INBOX_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    conversations = list(page.object_list)
    last_messages = selectors.messages_by_id(
        [getattr(c, "last_message_id", None) or 0 for c in conversations]
    )
    prefetch_related_objects(list(last_messages.values()), "attachments")
    lines = []
    for conversation in conversations:
        last = last_messages.get(getattr(conversation, "last_message_id", None) or 0)
        lines.append(
            InboxLine(
                conversation=conversation,
                name=conversation_name(conversation, user),
                last=last,
                preview=inbox_services.message_preview(last),
                unread=conversation.unread,
                muted=bool(conversation.muted),
            )
        )
    return render(
        request,
        "messaging/conversations/inbox.html",
        {"lines": lines, "page": page, "archived": archived, "topic": topic, "seq": seq},
    )


@login_required
def conversation_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ConversationStartForm(viewer=request.user)
    elif "search" in request.POST:
        # A search is not a submission: keep what was typed, judge nothing yet.
        form = ConversationStartForm(viewer=request.user, initial=request.POST.dict())
    else:
        form = ConversationStartForm(request.POST, viewer=request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            conversation, created = conversation_services.conversation_open(
                creator=cast(User, request.user),
                participants=data["people"],
                title=data["title"],
                first_message=data["first_message"],
                client_id=data["client_id"] if data["first_message"] else "",
            )
        except ValidationError as exc:
            _form_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not write to this person."))
        else:
            if not created:
                messages.info(request, _("You already have a conversation with this person."))
            return redirect(conversation.get_absolute_url())
    return render(
        request,
        "messaging/conversations/new.html",
        {"form": form, "picker": _picker(request), "picker_strings": _picker_strings()},
        status=400 if form.errors else 200,
    )


# --- one conversation -----------------------------------------------------------------


@dataclass
class MessageView:
    """A message as the page shows it."""

    message: Message
    mine: bool
    editable: bool
    quoted: Message | None = None
    seen_by: list[str] = field(default_factory=list)

    @property
    def is_system(self) -> bool:
        return self.message.kind == MessageKind.SYSTEM

    @property
    def quote_text(self) -> str:
        return inbox_services.message_preview(self.quoted)

    @property
    def files(self) -> list[AttachmentPayload]:
        if self.message.deleted_at is not None:
            return []
        return [attachment_payload(a) for a in self.message.attachments.all()]


def _quoted(page: list[Message]) -> dict[int, Message]:
    by_id = {m.pk: m for m in page}
    missing = {m.reply_to_id for m in page if m.reply_to_id and m.reply_to_id not in by_id}
    if missing:
        by_id.update(
            {m.pk: m for m in Message.objects.filter(pk__in=missing).select_related("sender")}
        )
    return by_id


def _seen_by(page: list[Message], others: list[Participant]) -> dict[int, list[str]]:
    """Where each other participant's read receipt goes: under the last message of the page
    they have read that they did not send themselves (the same rule as conversation.js)."""
    receipts: dict[int, list[str]] = {}
    for participant in others:
        target = None
        for message in page:
            if message.pk > participant.last_read_message_id:
                break
            if message.kind == MessageKind.TEXT and message.sender_id != participant.user_id:
                target = message.pk
        if target is not None:
            receipts.setdefault(target, []).append(participant.user.display_name)
    return receipts


def _detail_context(
    request: HttpRequest,
    conversation_id: int,
    *,
    form: MessageForm | None = None,
    picker: PeoplePicker | None = None,
) -> dict[str, Any]:
    user = request.user
    # The annotated `seq` is read with the conversation, before the history: the socket
    # subscribes from there and misses nothing written after this point.
    conversation = selectors.conversation_detail_for(user, conversation_id)
    before = request.GET.get("before")
    try:
        before_id = int(before) if before else None
    except ValueError:
        raise Http404 from None
    page, has_more = selectors.message_history(
        conversation, before_id=before_id, limit=HISTORY_PAGE_SIZE
    )
    participants = selectors.active_participants(conversation)
    me = next(p for p in participants if p.user_id == user.pk)
    others = [p for p in participants if p.user_id != user.pk]
    quoted = _quoted(page)
    receipts = _seen_by(page, others)
    window_start = timezone.now() - message_services.MESSAGE_EDIT_WINDOW
    items = [
        MessageView(
            message=m,
            mine=m.sender_id == user.pk,
            editable=m.sender_id == user.pk
            and m.kind == MessageKind.TEXT
            and m.deleted_at is None
            and m.created_at >= window_start,
            quoted=quoted.get(m.reply_to_id) if m.reply_to_id else None,
            seen_by=receipts.get(m.pk, []),
        )
        for m in page
    ]
    online = selectors.presence_for([p.user_id for p in others])
    for participant in others:
        participant.online = online.get(participant.user_id, False)  # type: ignore[attr-defined]
    other = others[0] if not conversation.is_group and len(others) == 1 else None
    if form is None:
        reply_to = object_id(request.GET.get("reply_to"))
        initial = {"reply_to": reply_to} if reply_to is not None else {}
        form = MessageForm(initial=initial)
    reply_id = object_id(form["reply_to"].value())
    replying = None
    if reply_id is not None:
        replying = quoted.get(reply_id) or (
            Message.objects.filter(pk=reply_id, conversation=conversation)
            .select_related("sender")
            .first()
        )
    return {
        "conversation": conversation,
        "name": conversation_name(conversation, user),
        "items": items,
        "has_more": has_more,
        "older_than": page[0].pk if page and has_more else None,
        "newer_view": before_id is not None,
        "participants": participants,
        "me": me,
        "others": others,
        "other": other,
        "blocked": other is not None
        and selectors.is_blocked(blocker_id=int(user.pk or 0), blocked_id=other.user_id),
        "form": form,
        "replying": replying,
        "people_form": PeopleAddForm(viewer=user),
        "picker": picker or PeoplePicker(exclude=[p.user_id for p in participants]),
        "picker_strings": _picker_strings(),
        "rename_form": RenameForm(initial={"title": conversation.title}),
        "seq": conversation.seq,  # type: ignore[attr-defined]
        "edit_minutes": int(message_services.MESSAGE_EDIT_WINDOW.total_seconds() // 60),
        "last_message_id": page[-1].pk if page else None,
        "js_strings": _js_strings(),
    }


def _js_strings() -> dict[str, str]:
    """What conversation.js writes on the page, translated here."""
    return {
        "you": _("You"),
        "deletedAccount": _("Deleted account"),
        "edited": _("(edited)"),
        "deleted": _("Message deleted"),
        "quoteDeleted": _("message deleted"),
        "earlier": _("an earlier message"),
        "sending": _("Sending…"),
        "notSent": _("Not sent."),
        "retry": _("Retry"),
        "seenBy": _("Seen by %(names)s"),
        "typingOne": _("%(name)s is typing…"),
        "typingMany": _("%(names)s are typing…"),
        "reconnecting": _("Reconnecting…"),
        "loggedOut": _("You are logged out. Reload the page to log in again."),
        "reply": _("Reply"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "report": _("Report"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "actions": _("Actions on the message of %(time)s"),
        "attachments": _("Attachments"),
        "confirmDelete": _("Delete this message? Everyone sees that it was deleted."),
        "online": _("online"),
        "offline": _("offline"),
        "uploading": _("Uploading %(name)s…"),
        "uploadFailed": _("%(name)s could not be uploaded: %(reason)s"),
        "removeFile": _("Remove %(name)s"),
        "olderLoaded": _("%(n)s older messages loaded."),
        "announce": _("%(name)s: %(text)s"),
        "announceFile": _("a file"),
        "editLabel": _("Edit your message"),
    }


@login_required
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    return render(
        request,
        "messaging/conversations/detail.html",
        _detail_context(request, conversation_id),
    )


@login_required
@require_POST
def message_send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The composer without JavaScript: upload the files, send, redirect to the message."""
    user: Any = request.user
    conversation = selectors.conversation_get_for(user, conversation_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        stored = Message.objects.filter(sender=user, client_id=data["client_id"]).first()
        try:
            if stored is not None and stored.conversation_id == conversation.pk:
                message = stored  # a retried submit: stored once, nothing uploaded again
            else:
                uploaded = [
                    attachment_services.attachment_upload(
                        user=user, conversation=conversation, file=f
                    )
                    for f in data["attachments"]
                ]
                message, _created = message_services.message_send(
                    sender=user,
                    conversation=conversation,
                    body=data["body"] or "",
                    client_id=data["client_id"],
                    reply_to=data["reply_to"],
                    attachments=uploaded,
                )
        except ValidationError as exc:
            _form_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not write here."))
        else:
            return redirect(f"{conversation.get_absolute_url()}#m-{message.pk}")
    return render(
        request,
        "messaging/conversations/detail.html",
        _detail_context(request, conversation.pk, form=form),
        status=400,
    )


def _message_in(request: HttpRequest, conversation_id: int, message_id: int) -> Message:
    message = selectors.message_get_for(request.user, message_id)
    if message.conversation_id != conversation_id:
        raise Http404
    return message


@login_required
def message_edit(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, conversation_id, message_id)
    form = MessageEditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            message_services.message_edit(
                user=request.user,  # type: ignore[arg-type]
                message=message,
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{message.conversation.get_absolute_url()}#m-{message.pk}")
    return render(
        request,
        "messaging/conversations/message_edit.html",
        {"form": form, "message": message, "conversation": message.conversation},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def message_delete(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, conversation_id, message_id)
    try:
        message_services.message_delete(user=request.user, message=message)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Message deleted."))
    return redirect(f"{message.conversation.get_absolute_url()}#m-{message.pk}")


@login_required
def message_report(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    message = _message_in(request, conversation_id, message_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_services.message_report(
                reporter=request.user,  # type: ignore[arg-type]
                message=message,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you: staff will look at this message."))
            return redirect(f"{message.conversation.get_absolute_url()}#m-{message.pk}")
    return render(
        request,
        "messaging/conversations/message_report.html",
        {"form": form, "message": message, "conversation": message.conversation},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def conversation_read(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """ "Mark as read" without JavaScript (with it, conversation.js marks what is on screen)."""
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    try:
        inbox_services.conversation_mark_read(
            user=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            message_id=int(request.POST.get("message_id") or 0),
        )
    except (ValueError, ValidationError):
        messages.error(request, _("No such message in this conversation."))
    return redirect(conversation.get_absolute_url())


# --- settings and participants (POST forms) -------------------------------------------


def _back(conversation: Conversation) -> HttpResponse:
    return redirect(f"{conversation.get_absolute_url()}#conversation-info")


@login_required
@require_POST
def conversation_leave(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    conversation_services.conversation_leave(user=request.user, conversation=conversation)  # type: ignore[arg-type]
    messages.success(
        request, _("You left “%(name)s”.") % {"name": conversation_name(conversation, request.user)}
    )
    return redirect("xchange-inbox")


@login_required
@require_POST
def conversation_flag(request: HttpRequest, conversation_id: int, flag: str) -> HttpResponse:
    """archive / unarchive / mute / unmute, for the caller only."""
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    user: Any = request.user
    if flag in {"archive", "unarchive"}:
        inbox_services.conversation_archive(
            user=user, conversation=conversation, archived=flag == "archive"
        )
        if flag == "archive":
            messages.success(request, _("Archived. A new message brings it back to your inbox."))
            return redirect("xchange-inbox")
        messages.success(request, _("Back in your inbox."))
    else:
        inbox_services.conversation_mute(user=user, conversation=conversation, muted=flag == "mute")
        messages.success(
            request,
            _("Muted: its messages no longer count in your unread total.")
            if flag == "mute"
            else _("Unmuted."),
        )
    return _back(conversation)


@login_required
@require_POST
def conversation_block(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Block (or, with action=unblock, unblock) the other person of a one-to-one."""
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    user: Any = request.user
    others = [p for p in selectors.active_participants(conversation) if p.user_id != user.pk]
    if conversation.is_group or len(others) != 1:
        raise Http404
    person = others[0].user
    if request.POST.get("action") == "unblock":
        block_services.user_unblock(blocker=user, blocked=person)
        messages.success(request, _("%(name)s is unblocked.") % {"name": person.display_name})
    else:
        block_services.user_block(blocker=user, blocked=person)
        messages.success(
            request,
            _("%(name)s is blocked: they can no longer write to you here.")
            % {"name": person.display_name},
        )
    return _back(conversation)


@login_required
@require_POST
def participants_add(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Add the chosen people; with `search` (no JavaScript), show the page with the people
    found instead."""
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    if "search" in request.POST:
        members = [p.user_id for p in selectors.active_participants(conversation)]
        picker = _picker(request, exclude=members)
        context = _detail_context(request, conversation.pk, picker=picker)
        return render(request, "messaging/conversations/detail.html", context)
    form = PeopleAddForm(request.POST, viewer=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["people"]))
        return _back(conversation)
    try:
        added = conversation_services.participant_add(
            actor=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            users=form.cleaned_data["people"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("Added: %(names)s.") % {"names": ", ".join(p.user.display_name for p in added)},
        )
    return _back(conversation)


@login_required
@require_POST
def participant_remove(request: HttpRequest, conversation_id: int, user_id: int) -> HttpResponse:
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    person = next(
        (p.user for p in selectors.active_participants(conversation) if p.user_id == user_id),
        None,
    )
    if person is None:
        raise Http404
    try:
        conversation_services.participant_remove(
            actor=request.user,  # type: ignore[arg-type]
            conversation=conversation,
            user=person,
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": person.display_name})
    return _back(conversation)


@login_required
@require_POST
def conversation_rename(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_get_for(request.user, conversation_id)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            conversation_services.conversation_rename(
                user=request.user,  # type: ignore[arg-type]
                conversation=conversation,
                title=form.cleaned_data["title"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Title saved."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("title", [])))
    return _back(conversation)


def _flag_view(flag: str) -> Any:
    def view(request: HttpRequest, conversation_id: int) -> HttpResponse:
        return conversation_flag(request, conversation_id, flag)

    view.__name__ = f"conversation_{flag}"
    return view


urlpatterns: list[URLPattern | URLResolver] = [
    path("conversations/", inbox, name="xchange-inbox"),
    path("conversations/new/", conversation_new, name="xchange-conversation-new"),
    path(
        "conversations/<int:conversation_id>/",
        conversation_detail,
        name="xchange-conversation",
    ),
    path(
        "conversations/<int:conversation_id>/send/",
        message_send,
        name="xchange-conversation-send",
    ),
    path(
        "conversations/<int:conversation_id>/messages/<int:message_id>/edit/",
        message_edit,
        name="xchange-message-edit",
    ),
    path(
        "conversations/<int:conversation_id>/messages/<int:message_id>/delete/",
        message_delete,
        name="xchange-message-delete",
    ),
    path(
        "conversations/<int:conversation_id>/messages/<int:message_id>/report/",
        message_report,
        name="xchange-message-report",
    ),
    path(
        "conversations/<int:conversation_id>/read/",
        conversation_read,
        name="xchange-conversation-read",
    ),
    path(
        "conversations/<int:conversation_id>/leave/",
        conversation_leave,
        name="xchange-conversation-leave",
    ),
    *[
        path(
            f"conversations/<int:conversation_id>/{flag}/",
            _flag_view(flag),
            name=f"xchange-conversation-{flag}",
        )
        for flag in ("archive", "unarchive", "mute", "unmute")
    ],
    path(
        "conversations/<int:conversation_id>/block/",
        conversation_block,
        name="xchange-conversation-block",
    ),
    path(
        "conversations/<int:conversation_id>/rename/",
        conversation_rename,
        name="xchange-conversation-rename",
    ),
    path(
        "conversations/<int:conversation_id>/participants/",
        participants_add,
        name="xchange-participants-add",
    ),
    path(
        "conversations/<int:conversation_id>/participants/<int:user_id>/remove/",
        participant_remove,
        name="xchange-participant-remove",
    ),
]
