"""REST API v1: the newsletter (docs/api.md, "Newsletter").

- `newsletter/subscribe/` POST a subscription request (anyone; always 202, rate-limited: 429).
- `newsletter/issues/` GET, POST; `newsletter/issues/{id}/` GET, PATCH, DELETE (drafts);
  `newsletter/issues/{id}/send/` POST, `…/test/` POST, `…/report/` GET — staff only, 404 for
  everyone else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from community.throttling import client_ip
from newsletter.models import Issue
from newsletter.selectors.issues import issue_get_for_staff, issues_list, user_can_manage_newsletter
from newsletter.serializers.newsletter import (
    IssueCountsSerializer,
    IssueSerializer,
    IssueWriteSerializer,
    SubscribeAcceptedSerializer,
    SubscribeSerializer,
)
from newsletter.services import issues as issue_services
from newsletter.services import sending
from newsletter.services.issues import TextInput
from newsletter.services.subscriptions import Topics, subscription_rate_wait, subscription_request


def _service(call: Any) -> Any:
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


@extend_schema(
    request=SubscribeSerializer,
    responses={202: SubscribeAcceptedSerializer, 400: None, 429: None},
)
class SubscribeView(generics.GenericAPIView[Any]):
    """Ask for the newsletter at an address: a confirmation e-mail is sent to it (double
    opt-in). The answer is the same whether or not the address is already subscribed."""

    permission_classes = [AllowAny]
    serializer_class = SubscribeSerializer
    filter_backends: list[Any] = []

    def post(self, request: Request) -> Response:
        serializer = SubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        wait = subscription_rate_wait(ip=client_ip(request), email=data["email"])
        if wait:
            raise Throttled(wait)
        _service(
            lambda: subscription_request(
                email=data["email"],
                language=data["language"],
                topics=Topics(data["ecosystems"], data["countries"], data["calls"], data["events"]),
                user=request.user if request.user.is_authenticated else None,
            )
        )
        return Response(
            {
                "detail": _(
                    "If this address can receive the newsletter, a confirmation link was sent"
                    " to it."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


def _write_args(data: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key in ("period_start", "period_end"):
        if key in data:
            args[key] = data[key]
    if "texts" in data:
        args["texts"] = {
            t["language"]: TextInput(t["subject"], t.get("editorial", "")) for t in data["texts"]
        }
    if "items" in data:
        args["items"] = [(i["kind"], i["id"]) for i in data["items"]]
    return args


@extend_schema_view(
    list=extend_schema(responses={200: IssueSerializer(many=True), 404: None}),
    retrieve=extend_schema(responses={200: IssueSerializer, 404: None}),
    create=extend_schema(
        request=IssueWriteSerializer, responses={201: IssueSerializer, 400: None, 404: None}
    ),
    partial_update=extend_schema(
        request=IssueWriteSerializer, responses={200: IssueSerializer, 400: None, 404: None}
    ),
    destroy=extend_schema(responses={204: None, 400: None, 404: None}),
)
class IssueViewSet(viewsets.GenericViewSet[Issue]):
    """Newsletter issues (staff only; 404 for everyone else)."""

    serializer_class = IssueSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Issue]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator: the id's type
            return Issue.objects.none()
        if not user_can_manage_newsletter(self.request.user):
            raise Http404
        return issues_list()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IssueSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        self.get_queryset()
        serializer = IssueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = _service(
            lambda: issue_services.issue_create(
                user=request.user,  # type: ignore[arg-type]
                **_write_args(serializer.validated_data),
            )
        )
        return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(IssueSerializer(issue_get_for_staff(request.user, pk)).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        issue = issue_get_for_staff(request.user, pk)
        serializer = IssueWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        issue = _service(
            lambda: issue_services.issue_update(
                issue=issue,
                user=request.user,  # type: ignore[arg-type]
                **_write_args(serializer.validated_data),
            )
        )
        return Response(IssueSerializer(issue).data)

    def destroy(self, request: Request, pk: str) -> Response:
        issue = issue_get_for_staff(request.user, pk)
        _service(lambda: issue_services.issue_delete(issue=issue, user=request.user))  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: IssueSerializer, 400: None, 404: None})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        """Queue the issue for every active subscriber; the worker sends it."""
        issue = issue_get_for_staff(request.user, pk)
        issue = _service(lambda: sending.issue_send(issue=issue, user=request.user))  # type: ignore[arg-type]
        return Response(IssueSerializer(issue).data)

    @extend_schema(request=None, responses={204: None, 404: None, 502: None})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        """Send the issue now to the caller's own address ("[Test]" subject). 502 when the
        mail server refused it."""
        issue = issue_get_for_staff(request.user, pk)
        try:
            sending.issue_send_test(issue=issue, user=request.user)  # type: ignore[arg-type]
        except Exception:
            return Response(
                {"detail": _("The test could not be sent; the mail server refused it.")},
                status=status.HTTP_502_BAD_GATEWAY,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: IssueCountsSerializer, 404: None})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> Response:
        """Progress and report: deliveries per state and unsubscriptions after this issue."""
        issue = issue_get_for_staff(request.user, pk)
        return Response(sending.issue_counts(issue))


router = SimpleRouter()
router.register("issues", IssueViewSet, basename="api-newsletter-issues")

urlpatterns: list[URLPattern | URLResolver] = [
    path("subscribe/", SubscribeView.as_view(), name="api-newsletter-subscribe"),
    *router.urls,
]
