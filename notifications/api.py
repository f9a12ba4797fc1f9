"""REST API v1: a person's own notifications, preferences and push devices."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import User
from notifications.kinds import all_kinds
from notifications.models import Channel, Level, Notification, PushSubscription
from notifications.selectors import notification_list_for, time_zone_forget, unread_count_for
from notifications.serializers import (
    DeliverySettingsSerializer,
    IdsSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    PushSubscriptionOutSerializer,
    PushSubscriptionSerializer,
)
from notifications.services import (
    channels_for,
    delivery_settings_for,
    notification_delete,
    notification_mark,
    preference_set,
    push_subscription_delete,
    push_subscription_save,
)

UnreadCount = inline_serializer("UnreadCount", {"unread_count": serializers.IntegerField()})
Changed = inline_serializer(
    "NotificationsChanged",
    {"changed": serializers.IntegerField(), "unread_count": serializers.IntegerField()},
)


def parse_bool(value: str | None, name: str) -> bool | None:
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in {"1", "true", "yes"}:
        return True
    if lowered in {"0", "false", "no"}:
        return False
    raise ValidationError({name: [f"Use true or false, not {value!r}."]})


class NotificationList(generics.ListAPIView[Notification]):
    """My notifications, newest first. Filters: `unread`, `kind`, `level`."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the user

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL),
            OpenApiParameter("kind", OpenApiTypes.STR),
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        params = self.request.query_params
        kind = params.get("kind") or None
        if kind and kind not in {k.key for k in all_kinds()}:
            raise ValidationError({"kind": [f"Unknown kind {kind!r}."]})
        level = params.get("level") or None
        if level and level not in Level.values:
            raise ValidationError({"level": [f"Unknown level {level!r}."]})
        return notification_list_for(
            self.request.user,
            unread=parse_bool(params.get("unread"), "unread"),
            kind=kind,
            level=level,
        )


class ReadAllView(APIView):
    """Mark every one of my notifications read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=Changed, operation_id="notifications_mark_all_read")
    def post(self, request: Request) -> Response:
        return _changed(request, notification_mark(user=request.user, ids=None, unread=False))


class UnreadCountView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UnreadCount)
    def get(self, request: Request) -> Response:
        return Response({"unread_count": unread_count_for(request.user)})


def _changed(request: Request, changed: int) -> Response:
    return Response({"changed": changed, "unread_count": unread_count_for(request.user)})


class MarkView(APIView):
    """Mark one of my notifications read (or unread, in the subclass)."""

    permission_classes = [IsAuthenticated]
    unread = False

    @extend_schema(request=None, responses=Changed, operation_id="notification_mark_read")
    def post(self, request: Request, pk: int | None = None) -> Response:
        if pk is None or not notification_list_for(request.user).filter(pk=pk).exists():
            raise Http404
        return _changed(request, notification_mark(user=request.user, ids=[pk], unread=self.unread))


class NotificationDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=NotificationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        notification = get_object_or_404(notification_list_for(request.user), pk=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        if not notification_delete(user=request.user, ids=[pk]):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class BulkView(APIView):
    """Act on several of my notifications at once: `{"ids": [...]}`; foreign ids are ignored."""

    permission_classes = [IsAuthenticated]
    action_name = "read"

    @extend_schema(request=IdsSerializer, responses=Changed)
    def post(self, request: Request) -> Response:
        body = IdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["ids"]
        if self.action_name == "delete":
            return _changed(request, notification_delete(user=request.user, ids=ids))
        unread = self.action_name == "unread"
        return _changed(request, notification_mark(user=request.user, ids=ids, unread=unread))


def preferences_for(user: Any) -> list[dict[str, Any]]:
    rows = []
    for kind in all_kinds():
        on = channels_for([user.pk], kind.key)[user.pk]
        rows.append(
            {"kind": kind.key, "label": str(kind.label), **{c: c in on for c in Channel.values}}
        )
    return rows


class PreferencesView(APIView):
    """Per kind and channel choices. PUT a list of `{kind, in_app?, push?, email?}`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(preferences_for(request.user))

    @extend_schema(
        request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True)
    )
    def put(self, request: Request) -> Response:
        body = PreferenceSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        for row in body.validated_data:
            for channel in Channel.values:
                if channel in row:
                    preference_set(
                        user=request.user, kind=row["kind"], channel=channel, enabled=row[channel]
                    )
        return Response(preferences_for(request.user))


class DeliverySettingsView(APIView):
    """Quiet hours, time zone and digest frequency."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DeliverySettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(DeliverySettingsSerializer(delivery_settings_for(request.user)).data)

    @extend_schema(request=DeliverySettingsSerializer, responses=DeliverySettingsSerializer)
    def patch(self, request: Request) -> Response:
        body = DeliverySettingsSerializer(
            delivery_settings_for(request.user), data=request.data, partial=True
        )
        body.is_valid(raise_exception=True)
        body.save()
        time_zone_forget(request.user)
        return Response(body.data)


class PushKeyView(APIView):
    """The VAPID public key a browser passes to `pushManager.subscribe()`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=inline_serializer("PushKey", {"public_key": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        # notifications.push loads (or, in the embedded default, creates) the VAPID keys.
        from notifications.push import vapid_public_key

        return Response({"public_key": vapid_public_key()})


class PushSubscriptionsView(APIView):
    """My devices. POST the browser's `subscription.toJSON()`; DELETE `{endpoint}`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PushSubscriptionOutSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = PushSubscription.objects.filter(user=cast(User, request.user)).order_by(
            "-created_at"
        )
        return Response(PushSubscriptionOutSerializer(rows, many=True).data)

    @extend_schema(
        request=PushSubscriptionSerializer, responses={201: PushSubscriptionOutSerializer}
    )
    def post(self, request: Request) -> Response:
        body = PushSubscriptionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        subscription = push_subscription_save(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response(
            PushSubscriptionOutSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=inline_serializer("PushUnsubscribe", {"endpoint": serializers.URLField()}),
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        endpoint = request.data.get("endpoint") if hasattr(request.data, "get") else None
        if not isinstance(endpoint, str) or not endpoint:
            raise ValidationError({"endpoint": ["This field is required."]})
        if not push_subscription_delete(user=request.user, endpoint=endpoint):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class MarkUnreadView(MarkView):
    unread = True

    @extend_schema(request=None, responses=Changed, operation_id="notification_mark_unread")
    def post(self, request: Request, pk: int | None = None) -> Response:
        return super().post(request, pk)


class BulkUnreadView(BulkView):
    action_name = "unread"

    @extend_schema(
        request=IdsSerializer, responses=Changed, operation_id="notifications_mark_unread"
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


urlpatterns = [
    path("notifications/", NotificationList.as_view(), name="api-notifications"),
    path("notifications/unread-count/", UnreadCountView.as_view(), name="api-notifications-unread"),
    path("notifications/read-all/", ReadAllView.as_view(), name="api-notifications-read-all"),
    path(
        "notifications/read/",
        BulkView.as_view(action_name="read"),
        name="api-notifications-read-many",
    ),
    path(
        "notifications/unread/",
        BulkUnreadView.as_view(),
        name="api-notifications-unread-many",
    ),
    path(
        "notifications/delete/",
        BulkView.as_view(action_name="delete"),
        name="api-notifications-delete-many",
    ),
    path(
        "notifications/preferences/", PreferencesView.as_view(), name="api-notification-preferences"
    ),
    path(
        "notifications/settings/", DeliverySettingsView.as_view(), name="api-notification-settings"
    ),
    path("notifications/push/key/", PushKeyView.as_view(), name="api-push-key"),
    path(
        "notifications/push/subscriptions/",
        PushSubscriptionsView.as_view(),
        name="api-push-subscriptions",
    ),
    path("notifications/<int:pk>/", NotificationDetail.as_view(), name="api-notification"),
    path("notifications/<int:pk>/read/", MarkView.as_view(), name="api-notification-read"),
    path(
        "notifications/<int:pk>/unread/",
        MarkUnreadView.as_view(),
        name="api-notification-unread",
    ),
]
