"""Limits on password guessing, shared by every place that checks a password someone typed:
the login page, the token endpoint, and the current-password checks of password change and
account deletion (pages and API).

Three budgets of failed checks, each counted in a window of settings.LOGIN_FAILURE_WINDOW
seconds (design and numbers: docs/decisions.md, docs/operations.md):

- per (account, client address): past LOGIN_PAIR_FAILURES, that address may not try that
  account for a while; the lock doubles each time (LOGIN_LOCKOUT up to LOGIN_LOCKOUT_MAX).
  Nobody else is affected, so an attacker cannot lock the owner out.
- per client address, over all accounts: past LOGIN_ADDRESS_FAILURES, the address is locked
  the same way (one address trying many accounts).
- per account, over all addresses: past LOGIN_ACCOUNT_FAILURES the account is slowed down,
  never locked: addresses try it one at a time, LOGIN_SLOWDOWN seconds apart, doubling with
  each further failure up to LOGIN_SLOWDOWN_MAX (many addresses trying one account).

An address from which the right password was given for an account in the last
LOGIN_KNOWN_ADDRESS_DAYS days is, for that account, exempt from the address budget and lock
and from the slow-down, so the owner keeps getting in from where they usually do (a
workshop's shared address, say) even while someone there tries other accounts.

Every attempt counts as a failure before the password is checked and is taken back when
the password is right, so concurrent requests cannot all slip under a budget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.http import HttpRequest

from community.models import User
from community.throttling import (
    counter_add,
    counter_undo,
    lock_set,
    lock_wait,
    rate_limit_reset,
    slot_take,
)

_Result = TypeVar("_Result")


class LoginLimitedError(Exception):
    """Too many failed password checks: the password was not looked at.

    `wait` is the number of seconds after which trying again may succeed.
    """

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def login_authenticate(
    *, request: HttpRequest, email: str, password: str, client_ip: str
) -> User | None:
    """The account that `email` and `password` log into, or None; within the limits.

    Raises LoginLimitedError, without checking the password, when a budget is spent.
    Side effects: the limits' cache counters.
    """

    def check() -> User | None:
        user = authenticate(request, email=email, password=password)
        assert user is None or isinstance(user, User)
        return user

    return _password_attempt(account=_login_account_key(email), client_ip=client_ip, check=check)


def current_password_check(*, user: User, password: str, client_ip: str) -> bool:
    """Whether `password` is `user`'s (before a password change or deletion); within the limits.

    Shares the login's budgets for the account. Raises LoginLimitedError, without checking,
    when a budget is spent. Side effects: the limits' cache counters.
    """
    return _password_attempt(
        account=_user_key(user), client_ip=client_ip, check=lambda: user.check_password(password)
    )


def _login_account_key(email: str) -> str:
    """The name under which attempts with `email` are counted.

    The account the login backend finds (ModelBackend → User.objects.get_by_natural_key,
    `email__iexact`: UPPER() on PostgreSQL), so every spelling that logs into one account
    shares its budget. For an address without an account, the address folded per character
    the way UPPER() folds it.
    """
    try:
        user = User._default_manager.get_by_natural_key(email)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return "email:" + "".join(_upper_like_the_lookup(char) for char in email.strip())
    return _user_key(user)


def _user_key(user: User) -> str:
    return f"user:{user.pk}"


def _password_attempt(*, account: str, client_ip: str, check: Callable[[], _Result]) -> _Result:
    """Run `check` (a password check; a false result means a wrong password) within limits.

    A right password clears the (account, address) count, takes this attempt back from the
    other two and remembers the address as known for the account.
    """
    pair = f"login:pair:{account}:{client_ip}"
    address = f"login:address:{client_ip}"
    whole = f"login:account:{account}"
    known_key = f"login:known:{account}:{client_ip}"
    known = cache.get(known_key) is not None
    counted = _count(pair=pair, address=address, whole=whole, known=known)
    result = check()
    if result:
        rate_limit_reset(pair)
        _undo([key for key in counted if key != pair])
        cache.set(known_key, 1, timeout=settings.LOGIN_KNOWN_ADDRESS_DAYS * 86400)
    return result


def _count(*, pair: str, address: str, whole: str, known: bool) -> list[str]:
    """Count the attempt against each budget; return the keys counted. Raise when spent."""
    window = settings.LOGIN_FAILURE_WINDOW
    guarded = [pair] if known else [pair, address]
    waits = [wait for key in guarded if (wait := lock_wait(key)) is not None]
    if waits:
        raise LoginLimitedError(max(waits))
    counted: list[str] = []
    budgets = [(pair, settings.LOGIN_PAIR_FAILURES)]
    if not known:
        budgets.append((address, settings.LOGIN_ADDRESS_FAILURES))
    for key, limit in budgets:
        if counter_add(key, window) > limit:
            _undo(counted)
            raise LoginLimitedError(_lock(key))
        counted.append(key)
    excess = counter_add(whole, window) - settings.LOGIN_ACCOUNT_FAILURES
    counted.append(whole)
    if excess > 0 and not known:
        delay = min(settings.LOGIN_SLOWDOWN * 2 ** min(excess - 1, 32), settings.LOGIN_SLOWDOWN_MAX)
        wait = slot_take(whole, delay)
        if wait is not None:
            _undo(counted)
            raise LoginLimitedError(wait)
    return counted


def _lock(key: str) -> int:
    return lock_set(
        key,
        first=settings.LOGIN_LOCKOUT,
        longest=settings.LOGIN_LOCKOUT_MAX,
        memory=settings.LOGIN_LOCKOUT_MEMORY,
    )


def _undo(keys: list[str]) -> None:
    for key in keys:
        counter_undo(key)


def _upper_like_the_lookup(char: str) -> str:
    # PostgreSQL's UPPER() maps one character to one (U+0131 dotless i → I, but ß stays ß);
    # Python's upper() may map one to several (ß → SS), which the lookup never does.
    upper = char.upper()
    return upper if len(upper) == 1 else char
