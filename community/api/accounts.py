"""REST API v1: accounts — register, verify email, tokens, the profile, password, deletion.

The unauthenticated endpoints use the throttle scope "auth". Obtaining a token, changing the
password and deleting the account check a password within the login limits
(community/services/login_attempts.py), shared with the pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import URLPattern, URLResolver, path
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    UserRateThrottle,
)
from rest_framework.views import APIView

from community.api.errors import too_many_attempts
from community.models import ApiToken, User
from community.selectors.accounts import api_token_get_for, api_token_list_for
from community.serializers.accounts import (
    AccountDeleteSerializer,
    ApiTokenSerializer,
    PasswordChangeSerializer,
    PasswordResetSerializer,
    ProfileSerializer,
    RegisterAcceptedSerializer,
    RegisterSerializer,
    TokenCreatedSerializer,
    TokenObtainSerializer,
    VerifyEmailSerializer,
)
from community.services.accounts import (
    AccountDeletionRefusedError,
    api_token_create,
    api_token_revoke,
    email_verification_send,
    password_reset_request,
    registration_attempt_record,
    registration_wait,
    user_delete,
    user_password_change,
    user_profile_update,
    user_register,
    user_verify_email,
)
from community.services.login_attempts import login_authenticate
from community.throttling import client_ip


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Bearer <key>` in the schema for every API view.

    Defining the class registers it; it lives here, with the endpoints that issue tokens, and
    this module is always imported with the API's URLs.
    """

    target_class = "community.api.authentication.ApiTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A key from POST /api/v1/auth/token/.",
        }


AUTH_THROTTLES: list[type[BaseThrottle]] = [
    AnonRateThrottle,
    UserRateThrottle,
    ScopedRateThrottle,
]

TAG = ["accounts"]
NO_CONTENT = OpenApiResponse(description=_("Done; nothing to return."))


def _me(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _profile_queryset_user(user: User) -> User:
    # Re-read with the memberships the profile lists, in one extra query.
    return User.objects.prefetch_related("memberships__organisation").get(pk=user.pk)


class RegisterView(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = AUTH_THROTTLES
    throttle_scope = "auth"

    @extend_schema(
        tags=TAG,
        request=RegisterSerializer,
        responses={202: RegisterAcceptedSerializer},
        summary="Create an account",
        description=(
            "Answers 202 with the same body whether or not the address already has an "
            "account: a new account starts unverified and a verification link is emailed; "
            "the owner of a taken address is emailed instead. Then obtain a token."
        ),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        ip = client_ip(request)
        wait = registration_wait(client_ip=ip)
        if wait is not None:
            raise too_many_attempts(wait)
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        registration_attempt_record(client_ip=ip)
        user_register(
            email=data["email"],
            password=data["password"],
            full_name=data["full_name"],
            country=data.get("country") or "",
            language=translation.get_language() or "",
        )
        body = {"detail": _("We sent a message to this email address. Open it to go on.")}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class VerifyEmailView(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = AUTH_THROTTLES
    throttle_scope = "auth"

    @extend_schema(
        tags=TAG,
        request=VerifyEmailSerializer,
        responses={200: ProfileSerializer},
        summary="Confirm an email address with the token from the emailed link",
    )
    def post(self, request: Request) -> Response:
        serializer = VerifyEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = user_verify_email(token=serializer.validated_data["token"])
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"token": exc.messages}) from exc
        body = ProfileSerializer(_profile_queryset_user(user), context={"request": request}).data
        return Response(body)


class VerifyEmailResendView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAG, request=None, responses={204: NO_CONTENT}, summary="Send the link again"
    )
    def post(self, request: Request) -> Response:
        wait = email_verification_send(user=_me(request))
        if wait is not None:
            raise too_many_attempts(wait)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenView(APIView):
    """POST obtains a token with email and password; DELETE revokes the one in use."""

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method == "POST":
            self.throttle_scope = "auth"
            return [throttle() for throttle in AUTH_THROTTLES]
        return super().get_throttles()

    @extend_schema(
        tags=TAG,
        request=TokenObtainSerializer,
        responses={201: TokenCreatedSerializer},
        summary="Obtain an API token",
        description=(
            "The key is in the answer once and never again. Send it as "
            "`Authorization: Bearer <key>`. Failed attempts are limited per account and per "
            "client address (429 with Retry-After; see docs/api.md)."
        ),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = login_authenticate(
            request=request._request,
            email=data["email"],
            password=data["password"],
            client_ip=client_ip(request),
        )
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("The email address or the password is not right.")]}
            )
        assert isinstance(user, User)
        token, key = api_token_create(user=user, name=data.get("name", ""))
        body = TokenCreatedSerializer(token, context={"key": key}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAG,
        request=None,
        responses={204: NO_CONTENT},
        summary="Revoke the token used for this request",
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError(
                _("This request was not made with an API token; there is none to revoke.")
            )
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAG, summary="List your API tokens")
class TokenListView(generics.ListAPIView[ApiToken]):
    permission_classes = (IsAuthenticated,)
    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return api_token_list_for(_me(self.request))


class TokenDetailView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAG,
        request=None,
        responses={204: NO_CONTENT, 404: OpenApiResponse(description="Not one of your tokens.")},
        summary="Revoke one of your API tokens",
    )
    def delete(self, request: Request, token_id: int) -> Response:
        token = api_token_get_for(_me(request), token_id)
        api_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(tags=TAG, responses={200: ProfileSerializer}, summary="Your profile")
    def get(self, request: Request) -> Response:
        user = _profile_queryset_user(_me(request))
        return Response(ProfileSerializer(user, context={"request": request}).data)

    @extend_schema(
        tags=TAG,
        request=ProfileSerializer,
        responses={200: ProfileSerializer},
        summary="Change your profile",
        description="JSON, or multipart to upload a photo. The email address cannot change here.",
    )
    def patch(self, request: Request) -> Response:
        user = _me(request)
        serializer = ProfileSerializer(
            user, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        user_profile_update(user=user, changes=dict(serializer.validated_data))
        body = ProfileSerializer(_profile_queryset_user(user), context={"request": request}).data
        return Response(body)

    @extend_schema(
        tags=TAG,
        request=AccountDeleteSerializer,
        responses={
            204: NO_CONTENT,
            400: OpenApiResponse(
                description="Wrong password, or the only admin of an organisation with members."
            ),
        },
        summary="Delete your account",
        description=(
            'Send your password in a JSON body: `{"password": "..."}` (OpenAPI 3.0 cannot '
            "describe a DELETE body). Refused while you are the only admin of an organisation "
            "that has other members: make another member an admin first."
        ),
    )
    def delete(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            user_delete(user=_me(request))
        except AccountDeletionRefusedError as exc:
            raise exceptions.ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=TAG,
        request=PasswordChangeSerializer,
        responses={204: NO_CONTENT},
        summary="Change your password",
        description="Revokes your other API tokens; the one used for this request keeps working.",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        keep = request.auth if isinstance(request.auth, ApiToken) else None
        user_password_change(
            user=_me(request),
            new_password=serializer.validated_data["new_password"],
            keep_token=keep,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = AUTH_THROTTLES
    throttle_scope = "auth"

    @extend_schema(
        tags=TAG,
        request=PasswordResetSerializer,
        responses={204: NO_CONTENT},
        summary="Email a password-reset link",
        description=("Answers 204 for any well-formed address, whether or not it has an account."),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password_reset_request(email=serializer.validated_data["email"])
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("auth/verify-email/", VerifyEmailView.as_view(), name="api-verify-email"),
    path(
        "auth/verify-email/resend/",
        VerifyEmailResendView.as_view(),
        name="api-verify-email-resend",
    ),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<int:token_id>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("auth/password-reset/", PasswordResetView.as_view(), name="api-password-reset"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/password/", PasswordChangeView.as_view(), name="api-me-password"),
]
