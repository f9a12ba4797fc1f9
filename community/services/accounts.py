"""Writes for accounts: registration, email verification, profile, password, API tokens,
deletion, and the attempt counter that rate-limits registration (the login limits are in
community/services/login_attempts.py).

Pages (community/views/accounts.py) and the API (community/api/accounts.py) call the same
functions here, so both paths follow the same rules.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.api.authentication import hash_token_key
from community.images import image_clean
from community.models import ApiToken, OrganisationMembership, OrganisationRole, User
from community.selectors.accounts import organisation_list_blocking_deletion
from community.throttling import rate_limit_hit, rate_limit_wait

# One purpose per salt: a verification token cannot be replayed as any other signed value.
EMAIL_VERIFICATION_SALT = "community.accounts.email-verification"
# How often a person may ask for the verification email again.
VERIFICATION_RESEND_RATE = "5/3600"
# How often one address may be sent a password-reset email; extra requests are dropped
# silently so that the answer never tells whether the address has an account.
PASSWORD_RESET_EMAIL_RATE = "3/3600"  # noqa: S105 - a rate, not a password
# How often the owner of an address is told that someone tried to register with it; extra
# notices are dropped silently, so registering cannot flood someone's mailbox.
REGISTRATION_NOTICE_RATE = "3/3600"
API_TOKEN_LIFETIME = timedelta(days=getattr(settings, "API_TOKEN_LIFETIME_DAYS", 365))


def language_for(user: User | None, *, fallback: str | None = None) -> str:
    """The language to write to `user` in outside their own requests (e-mails, pushes):
    their saved choice, else `fallback` (e.g. the language of the page they acted on),
    else settings.LANGUAGE_CODE."""
    if user is not None and user.language in dict(settings.LANGUAGES):
        return user.language
    if fallback and fallback in dict(settings.LANGUAGES):
        return fallback
    return settings.LANGUAGE_CODE


# The fields a person may change on their own profile (the email is not one of them).
PROFILE_FIELDS = ("full_name", "job_title", "photo", "languages", "bio", "country", "language")

# Languages a person can list on their profile (ISO 639-1): the EU's 24 official languages,
# the other languages of Europe's neighbours, and a few widely used elsewhere.
PROFILE_LANGUAGE_CHOICES = [
    ("sq", gettext_lazy("Albanian")),
    ("ar", gettext_lazy("Arabic")),
    ("hy", gettext_lazy("Armenian")),
    ("eu", gettext_lazy("Basque")),
    ("bs", gettext_lazy("Bosnian")),
    ("bg", gettext_lazy("Bulgarian")),
    ("ca", gettext_lazy("Catalan")),
    ("zh", gettext_lazy("Chinese")),
    ("hr", gettext_lazy("Croatian")),
    ("cs", gettext_lazy("Czech")),
    ("da", gettext_lazy("Danish")),
    ("nl", gettext_lazy("Dutch")),
    ("en", gettext_lazy("English")),
    ("et", gettext_lazy("Estonian")),
    ("fi", gettext_lazy("Finnish")),
    ("fr", gettext_lazy("French")),
    ("gl", gettext_lazy("Galician")),
    ("ka", gettext_lazy("Georgian")),
    ("de", gettext_lazy("German")),
    ("el", gettext_lazy("Greek")),
    ("he", gettext_lazy("Hebrew")),
    ("hi", gettext_lazy("Hindi")),
    ("hu", gettext_lazy("Hungarian")),
    ("is", gettext_lazy("Icelandic")),
    ("ga", gettext_lazy("Irish")),
    ("it", gettext_lazy("Italian")),
    ("ja", gettext_lazy("Japanese")),
    ("ko", gettext_lazy("Korean")),
    ("lv", gettext_lazy("Latvian")),
    ("lt", gettext_lazy("Lithuanian")),
    ("lb", gettext_lazy("Luxembourgish")),
    ("mk", gettext_lazy("Macedonian")),
    ("mt", gettext_lazy("Maltese")),
    ("no", gettext_lazy("Norwegian")),
    ("pl", gettext_lazy("Polish")),
    ("pt", gettext_lazy("Portuguese")),
    ("ro", gettext_lazy("Romanian")),
    ("ru", gettext_lazy("Russian")),
    ("sr", gettext_lazy("Serbian")),
    ("sk", gettext_lazy("Slovak")),
    ("sl", gettext_lazy("Slovenian")),
    ("es", gettext_lazy("Spanish")),
    ("sv", gettext_lazy("Swedish")),
    ("tr", gettext_lazy("Turkish")),
    ("uk", gettext_lazy("Ukrainian")),
]


def _site_parts() -> tuple[str, str]:
    """(protocol, domain) of settings.SITE_URL, used for links in emails."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "http", parts.netloc


# --- Rate limits ---------------------------------------------------------------------------


def registration_wait(*, client_ip: str) -> int | None:
    """Seconds the client address must wait before registering again, or None."""
    return rate_limit_wait(f"register:ip:{client_ip}", settings.REGISTER_RATE)


def registration_attempt_record(*, client_ip: str) -> None:
    """Count a registration that passed validation (whether or not it created an account).

    Failed attempts that only had typos are not counted, so a person who mistypes their
    password twice is not locked out for an hour. Side effects: one cache counter.
    """
    rate_limit_hit(f"register:ip:{client_ip}", settings.REGISTER_RATE)


# --- Registration and email verification ---------------------------------------------------


@transaction.atomic
def user_register(
    *, email: str, password: str, full_name: str, country: str = "", language: str = ""
) -> None:
    """Create an account whose email is not verified yet and email the verification link; or,
    when the address already has an account (in any letter case), email its owner instead.

    The caller cannot tell which happened, on purpose: the answer to a registration must not
    say whether an address has an account. Both paths hash the password, so they take about
    as long. Preconditions: none (the caller applies the registration rate limit). Raises
    ValidationError with a "password" entry for a password the validators refuse (checked
    before the address is looked up). `language`, the one the person registered in, becomes
    their interface language (ignored unless one of settings.LANGUAGES). Side effects: one
    email after commit (the notice to an owner at most REGISTRATION_NOTICE_RATE), in the
    recipient's language.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    candidate = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name.strip(),
                    country=country or "",
                    language=language if language in dict(settings.LANGUAGES) else "",
                    email_verified=False,
                )
        except IntegrityError:  # a concurrent registration of the same address won
            owner = User.objects.filter(email__iexact=email).first()
        else:
            transaction.on_commit(lambda: _send_verification_email(user))
            return
    make_password(password)  # the work create_user() does, so both answers take as long
    if (
        owner is not None
        and rate_limit_hit(f"register-notice:{owner.pk}", REGISTRATION_NOTICE_RATE) is None
    ):
        transaction.on_commit(lambda: _send_registration_notice(owner))


def _send_registration_notice(user: User) -> None:
    protocol, domain = _site_parts()
    context = {
        "user": user,
        "login_url": f"{protocol}://{domain}{reverse('login')}",
        "reset_url": f"{protocol}://{domain}{reverse('password_reset')}",
        "site_name": "ClusterHub",
    }
    with translation.override(language_for(user)):
        subject = render_to_string(
            "community/emails/accounts_register_existing_subject.txt", context
        )
        body = render_to_string("community/emails/accounts_register_existing.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def email_verification_token_make(*, user: User) -> str:
    """A signed, timestamped token that proves `user` received mail at their current address.

    The address is part of the token, so a token stops working if the address changes.
    """
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_VERIFICATION_SALT)


def _send_verification_email(user: User) -> None:
    protocol, domain = _site_parts()
    token = email_verification_token_make(user=user)
    context = {
        "user": user,
        "url": f"{protocol}://{domain}{reverse('verify_email', args=[token])}",
        "days": settings.EMAIL_VERIFICATION_MAX_AGE // 86400,
        "site_name": "ClusterHub",
    }
    with translation.override(language_for(user)):
        subject = render_to_string("community/emails/accounts_verify_subject.txt", context)
        body = render_to_string("community/emails/accounts_verify.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def email_verification_send(*, user: User) -> int | None:
    """Send the verification link again, unless sent too often.

    Returns None when the email is on its way, or the seconds to wait when the person asked
    more often than VERIFICATION_RESEND_RATE. Does nothing for an already verified address.
    Side effects: one email after commit; one cache counter.
    """
    if user.email_verified:
        return None
    wait = rate_limit_hit(f"verify-resend:{user.pk}", VERIFICATION_RESEND_RATE)
    if wait is not None:
        return wait
    transaction.on_commit(lambda: _send_verification_email(user))
    return None


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Mark the address in `token` as verified. Verifying twice is harmless.

    Raises ValidationError (code "expired" or "invalid") for an expired, tampered or stale
    token (the account is gone or its address changed since the token was made).
    """
    try:
        payload = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("This verification link has expired. Ask for a new one from your account page."),
            code="expired",
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This verification link is not valid."), code="invalid") from exc
    user = (
        User.objects.select_for_update()
        .filter(pk=payload.get("u"), email=payload.get("e"), is_active=True)
        .first()
    )
    if user is None:
        raise ValidationError(_("This verification link is not valid."), code="invalid")
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


# --- Profile and password ------------------------------------------------------------------


@transaction.atomic
def user_profile_update(*, user: User, changes: dict[str, Any]) -> User:
    """Apply validated profile `changes` (keys from PROFILE_FIELDS) to `user`.

    Preconditions: the values are validated. A photo is stored as a clean copy under a
    server-chosen name (community.images.image_clean; ValidationError keyed "photo" if it is
    not an image after all); a false photo (None, "", False) removes the photo. Raises
    ValueError for a key outside PROFILE_FIELDS. Side effects: a replaced or removed photo
    file is deleted after commit.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    if not changes:
        return user
    # Before any change, so that a refused photo leaves `user` as it was.
    clean_photo = image_clean(changes["photo"], field="photo") if changes.get("photo") else ""
    old_photo = user.photo.name if user.photo else ""
    for field, value in changes.items():
        if field == "photo":
            user.photo = clean_photo
        elif field == "languages":
            user.languages = list(dict.fromkeys(value or []))
        else:
            setattr(user, field, value if value is not None else "")
    user.save(update_fields=list(changes))
    new_photo = user.photo.name if user.photo else ""
    if old_photo and old_photo != new_photo:
        transaction.on_commit(lambda: default_storage.delete(old_photo))
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Save `user`'s interface language (a code of settings.LANGUAGES, or "" for none).

    Raises ValueError for another code. Side effects: from the next request on, the person's
    pages (config.middleware.PersonLocaleMiddleware), e-mails and pushes are in it.
    """
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not an interface language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_password_change(
    *, user: User, new_password: str, keep_token: ApiToken | None = None
) -> None:
    """Set a new password and revoke the user's API tokens except `keep_token`.

    Preconditions: the caller checked the old password (or a reset token). Raises
    ValidationError with a "new_password" entry when the validators refuse it.
    Side effects: other sessions are not logged out here (the page view keeps the current
    session with update_session_auth_hash); every other API token stops working.
    """
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    api_token_revoke_all(user=user, keep_token=keep_token)


def password_reset_request(*, email: str) -> None:
    """Email a password-reset link to `email` if it belongs to an active account.

    Says nothing about whether the address has an account: the caller answers the same way
    in every case. At most PASSWORD_RESET_EMAIL_RATE emails per address; extra requests are
    dropped silently. Links point at settings.SITE_URL, never at the request's Host header.
    Side effects: at most one email, after commit.
    """
    email = email.strip().lower()
    if not email or rate_limit_hit(f"password-reset:{email}", PASSWORD_RESET_EMAIL_RATE):
        return
    protocol, domain = _site_parts()
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return

    owner = User.objects.filter(email__iexact=email).first()
    # Their saved language, else the one of the page they asked from.
    language = language_for(owner, fallback=translation.get_language())

    def send() -> None:
        with translation.override(language):
            _password_reset_send()

    def _password_reset_send() -> None:
        form.save(
            domain_override=domain,
            use_https=protocol == "https",
            subject_template_name="community/emails/accounts_password_reset_subject.txt",
            email_template_name="community/emails/accounts_password_reset.txt",
            extra_email_context={"site_name": "ClusterHub"},
        )

    transaction.on_commit(send)


# --- Deletion ------------------------------------------------------------------------------


class AccountDeletionRefusedError(ValidationError):
    """The account may not be deleted yet; the message says what to do first."""


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete `user`, their memberships and their API tokens.

    Rule: a person who is the only admin of an organisation that has other members may not
    delete their account; they must first make another member an admin, so that no
    organisation is left with members but nobody to manage it. Being the only member of an
    organisation does not block deletion (the organisation stays, without members, for staff
    to handle).

    Preconditions: the caller checked the password. Locks the admin memberships of the
    organisations the user administers (in organisation order) so that two admins deleting
    their accounts at the same time cannot both pass the check.
    Raises AccountDeletionRefusedError (code "sole_admin") naming the organisations.
    Side effects: the photo file is deleted after commit.
    """
    admin_of = OrganisationMembership.objects.filter(
        user=user, role=OrganisationRole.ADMIN
    ).values_list("organisation_id", flat=True)
    list(
        OrganisationMembership.objects.select_for_update()
        .filter(organisation_id__in=list(admin_of), role=OrganisationRole.ADMIN)
        .order_by("organisation_id", "pk")
        .values_list("pk", flat=True)
    )
    blocking = list(organisation_list_blocking_deletion(user).values_list("name", flat=True))
    if blocking:
        raise AccountDeletionRefusedError(
            _(
                "You are the only admin of %(names)s. Make another member an admin first, "
                "then delete your account."
            )
            % {"names": ", ".join(blocking)},
            code="sole_admin",
        )
    photo = user.photo.name if user.photo else ""
    user.delete()
    if photo:
        transaction.on_commit(lambda: default_storage.delete(photo))


# --- API tokens ----------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a bearer token for `user`; return it and its key.

    The key is returned once and never stored: only its SHA-256 hash and its first eight
    characters (to recognise it in a list) are kept. Expires after API_TOKEN_LIFETIME.
    """
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        key_hash=hash_token_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + API_TOKEN_LIFETIME,
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    """Delete `token`; requests carrying its key fail from now on.

    Preconditions: the caller fetched it with selectors.api_token_get_for (it is theirs).
    """
    token.delete()


def api_token_revoke_all(*, user: User, keep_token: ApiToken | None = None) -> int:
    """Delete all of `user`'s tokens except `keep_token`; return how many were deleted."""
    tokens = ApiToken.objects.filter(user=user)
    if keep_token is not None:
        tokens = tokens.exclude(pk=keep_token.pk)
    deleted, _per_model = tokens.delete()
    return deleted
