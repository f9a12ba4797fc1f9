"""Pages: register, verify email, log in and out, account and profile, password, delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import URLPattern, URLResolver, path, reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from community.forms.accounts import (
    DeleteAccountForm,
    LimitedPasswordChangeForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
)
from community.models import User
from community.selectors.accounts import membership_list_for, organisation_list_blocking_deletion
from community.services.accounts import (
    AccountDeletionRefusedError,
    api_token_revoke_all,
    email_verification_send,
    password_reset_request,
    registration_attempt_record,
    registration_wait,
    user_delete,
    user_language_set,
    user_password_change,
    user_profile_update,
    user_register,
    user_verify_email,
)
from community.services.login_attempts import LoginLimitedError
from community.throttling import client_ip


def _safe_next(request: HttpRequest) -> str:
    """The `next` parameter if it points into this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _wait_message(seconds: int) -> str:
    minutes = (seconds + 59) // 60
    if seconds < 60:
        return ngettext(
            "Too many attempts. Try again in %(n)s second.",
            "Too many attempts. Try again in %(n)s seconds.",
            seconds,
        ) % {"n": seconds}
    return ngettext(
        "Too many attempts. Try again in %(n)s minute.",
        "Too many attempts. Try again in %(n)s minutes.",
        minutes,
    ) % {"n": minutes}


def _limited(response: HttpResponse, seconds: int) -> HttpResponse:
    """`response` as the answer to a request the limits refused: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address has an account (user_register says why)."""
    if request.user.is_authenticated:
        return redirect("account")
    next_url = _safe_next(request)
    form = RegisterForm(request.POST or None)
    wait = None
    if request.method == "POST":
        ip = client_ip(request)
        wait = registration_wait(client_ip=ip)
        if wait is not None:
            form = RegisterForm(initial={"email": request.POST.get("email", "")})
        elif form.is_valid():
            data = form.cleaned_data
            registration_attempt_record(client_ip=ip)
            try:
                user_register(
                    email=data["email"],
                    password=data["password1"],
                    full_name=data["full_name"],
                    country=data.get("country") or "",
                    language=translation.get_language() or "",
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                sent = reverse("register_sent")
                return redirect(f"{sent}?{urlencode({'next': next_url})}" if next_url else sent)
    context = {
        "form": form,
        "next": next_url,
        "wait_message": _wait_message(wait) if wait is not None else "",
    }
    response = render(request, "community/accounts/register.html", context)
    return _limited(response, wait) if wait is not None else response


@never_cache
@require_http_methods(["GET"])
def register_sent(request: HttpRequest) -> HttpResponse:
    context = {"next": _safe_next(request)}
    return render(request, "community/accounts/register_sent.html", context)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        try:
            valid = form.is_valid()
        except LoginLimitedError as exc:
            # Over a limit: the password was not even looked at.
            form = LoginForm(request, initial={"email": request.POST.get("email", "")})
            context = {"form": form, "next": next_url, "wait_message": _wait_message(exc.wait)}
            response = render(request, "community/accounts/login.html", context)
            return _limited(response, exc.wait)
        if valid:
            assert form.user is not None
            login(request, form.user)  # the one backend in AUTHENTICATION_BACKENDS
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    context = {"form": form, "next": next_url, "wait_message": ""}
    return render(request, "community/accounts/login.html", context)


@never_cache
@require_http_methods(["GET"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = user_verify_email(token=token)
    except ValidationError as exc:
        context = {"error": " ".join(exc.messages), "code": exc.code}
        return render(request, "community/accounts/verify_email.html", context, status=400)
    messages.success(
        request, _("Thank you: your email address %(email)s is confirmed.") % {"email": user.email}
    )
    if request.user.is_authenticated:
        return redirect("account")
    return render(request, "community/accounts/verify_email.html", {"verified_user": user})


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.email_verified:
        messages.info(request, _("Your email address is already confirmed."))
    else:
        wait = email_verification_send(user=user)
        if wait is None:
            messages.success(request, _("We sent a new link to %(email)s.") % {"email": user.email})
        else:
            messages.error(request, _wait_message(wait))
    return redirect("account")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                user_profile_update(user=user, changes=form.changes())
            except ValidationError as exc:  # e.g. a truncated photo that only decoding finds
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("account")
        messages.error(request, _("Your profile was not saved: please correct the marked fields."))
        status = 400
    else:
        form = ProfileForm(user=user)
        status = 200
    context = {"form": form, "memberships": membership_list_for(user)}
    return render(request, "community/accounts/account.html", context, status=status)


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeleteAccountForm(request.POST or None, user=user, client_ip=client_ip(request))
    context: dict[str, Any] = {
        "blocking": list(organisation_list_blocking_deletion(user)),
        "wait_message": "",
    }
    status = 200
    if request.method == "POST":
        status = 400
        try:
            valid = form.is_valid()
        except LoginLimitedError as exc:
            context |= {
                "form": DeleteAccountForm(user=user, client_ip=""),
                "wait_message": _wait_message(exc.wait),
            }
            response = render(request, "community/accounts/delete.html", context)
            return _limited(response, exc.wait)
        if valid:
            try:
                user_delete(user=user)
            except AccountDeletionRefusedError as exc:
                form.add_error(None, exc)
            else:
                logout(request)
                messages.success(request, _("Your account and your personal data are deleted."))
                return redirect("home")
    context["form"] = form
    return render(request, "community/accounts/delete.html", context, status=status)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "community/accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
    form_class = LimitedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "client_ip": client_ip(self.request)}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(request, *args, **kwargs)
        except LoginLimitedError as exc:
            form = self.form_class(_user(request), client_ip="")
            context = self.get_context_data(form=form, wait_message=_wait_message(exc.wait))
            return _limited(self.render_to_response(context), exc.wait)

    def form_valid(self, form: LimitedPasswordChangeForm) -> HttpResponse:
        user = form.user
        assert isinstance(user, User)
        user_password_change(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "community/accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")
    form_class = PasswordResetForm

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # One service for pages and API; its links use SITE_URL, not the Host header.
        password_reset_request(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "community/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    form_class = SetPasswordForm

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever knew the old password may hold tokens made with it.
        api_token_revoke_all(user=form.user)
        return response


def language_set(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: Django's set_language (the cookie, then back to
    `next`), and for a logged-in person the saved preference their e-mails follow too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        user_language_set(user=_user(request), language=language)
    return response


urlpatterns: list[URLPattern | URLResolver] = [
    path("account/", account, name="account"),
    path("account/register/", register, name="register"),
    path("account/register/sent/", register_sent, name="register_sent"),
    path("account/login/", login_view, name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/verify/resend/", verify_email_resend, name="verify_email_resend"),
    path("account/verify/<str:token>/", verify_email, name="verify_email"),
    path("account/delete/", delete_account, name="delete_account"),
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="community/accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("account/password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="community/accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="community/accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
