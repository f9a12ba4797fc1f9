"""Pages: my notifications and my notification preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from notifications.api import preferences_for
from notifications.forms import DeliverySettingsForm
from notifications.kinds import all_kinds
from notifications.links import TOKEN_PARAMETER, notification_open_token_is_valid
from notifications.models import Channel
from notifications.selectors import notification_list_for, time_zone_forget
from notifications.services import (
    delivery_settings_for,
    notification_delete,
    notification_mark,
    preference_set,
)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("show") == "unread"
    rows = notification_list_for(request.user, unread=True if only_unread else None)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "only_unread": only_unread},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to the target: a POST (CSRF-checked), or the signed emailed link.

    A GET without this notification's signature changes nothing and shows a button that
    POSTs (notifications/links.py says why). Someone else's notification answers 404.
    """
    notification = get_object_or_404(notification_list_for(request.user), pk=pk)
    if request.method == "GET" and not notification_open_token_is_valid(
        pk, request.GET.get(TOKEN_PARAMETER, "")
    ):
        return render(request, "notifications/open.html", {"notification": notification})
    notification_mark(user=request.user, ids=[pk], unread=False)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def notification_action(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action")
    if action == "read_all":
        notification_mark(user=request.user, ids=None, unread=False)
        messages.success(request, _("All notifications are marked read."))
        return redirect("notifications")
    try:
        pk = int(request.POST.get("id", ""))
    except ValueError:
        raise Http404 from None
    if action == "read":
        changed = notification_mark(user=request.user, ids=[pk], unread=False)
    elif action == "unread":
        changed = notification_mark(user=request.user, ids=[pk], unread=True)
    elif action == "delete":
        changed = notification_delete(user=request.user, ids=[pk])
    else:
        raise Http404
    if not changed and not notification_list_for(request.user).filter(pk=pk).exists():
        raise Http404
    if request.POST.get("next") == "unread":
        return redirect(f"{reverse('notifications')}?show=unread")
    return redirect("notifications")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    settings_row = delivery_settings_for(request.user)
    form = DeliverySettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            time_zone_forget(request.user)
            for kind in all_kinds():
                for channel in Channel.values:
                    preference_set(
                        user=request.user,
                        kind=kind.key,
                        channel=channel,
                        enabled=f"{kind.key}:{channel}" in request.POST,
                    )
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notification-preferences")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "rows": preferences_for(request.user), "channels": Channel.choices},
    )
