"""Where a push may go: the push services this deploy allows, at public addresses only.

A push subscription's endpoint is a URL that the client hands us and the delivery worker
POSTs to. Unchecked, anyone could make the server send requests into its own network
(SSRF: the cloud metadata service at 169.254.169.254, an admin port on 127.0.0.1, a
database on 10.x). So an endpoint must

1. use https (http only with WEBPUSH_ALLOW_HTTP),
2. name a host on WEBPUSH_ALLOWED_HOSTS ("example.com" exactly, ".example.com" that domain
   and every subdomain), and
3. resolve only to public addresses: not unspecified, loopback, link-local, multicast,
   unique-local, site-local, reserved, private or otherwise not globally routable — IPv4
   and IPv6 alike, and an IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4, NAT64)
   is judged by that IPv4 address. WEBPUSH_ALLOW_PRIVATE_ADDRESSES turns this check off
   (a staging deploy with its own push service, the tests).

`push_endpoint_check` applies all three when a device registers. The worker's HTTP client
(`PushTransport`) applies them again on every delivery: 1 and 2 before each request, 3 each
time it opens a connection — it resolves the host, checks every address, and connects to
one of exactly those addresses, so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot slip a private address in. TLS still verifies the
certificate for the host name (httpcore sends the name as SNI whatever address it reached).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.http.request import validate_host
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
NAT64 = ipaddress.ip_network("64:ff9b::/96")

# What makes an address unfit, in the order the reason is named (an address may be several).
ADDRESS_KINDS: list[tuple[Promise, Callable[[Any], bool]]] = [
    (gettext_lazy("unspecified"), lambda ip: ip.is_unspecified),
    (gettext_lazy("loopback"), lambda ip: ip.is_loopback),
    (gettext_lazy("link-local"), lambda ip: ip.is_link_local),
    (gettext_lazy("multicast"), lambda ip: ip.is_multicast),
    (gettext_lazy("unique-local"), lambda ip: ip.version == 6 and ip in UNIQUE_LOCAL),
    (gettext_lazy("site-local"), lambda ip: ip.version == 6 and ip.is_site_local),
    (gettext_lazy("reserved"), lambda ip: ip.is_reserved),
    (gettext_lazy("private"), lambda ip: ip.is_private),
    (gettext_lazy("not publicly routable"), lambda ip: not ip.is_global),
]


class PushTargetError(Exception):
    """A push may not go to this endpoint; `reason` says why, for the person and the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether `host` is on the allow list: an entry "example.com" matches that host, an
    entry ".example.com" that domain and its subdomains (as Django's ALLOWED_HOSTS)."""
    patterns = [e.strip().lower().rstrip(".").strip("[]") for e in allowed]
    # Django's own matching; "*" (anything) is no allow list, so it never matches.
    return validate_host(host.lower().rstrip(".").strip("[]"), [p for p in patterns if p != "*"])


def endpoint_host(endpoint: str) -> tuple[str, int]:
    """The host and port of `endpoint` if its scheme and host are allowed; else
    PushTargetError."""
    try:
        parts = urlsplit(endpoint)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise PushTargetError(_("The endpoint is not a valid URL.")) from None
    if scheme != "https" and not (scheme == "http" and settings.WEBPUSH_ALLOW_HTTP):
        raise PushTargetError(_("Push endpoints must use https."))
    if not host_allowed(host, settings.WEBPUSH_ALLOWED_HOSTS):
        raise PushTargetError(
            _("%(host)s is not a push service this site sends to.") % {"host": host or "?"}
        )
    return host, port


def address_kind(address: str) -> str:
    """Why a push may not go to the IP `address` ("loopback", "private", …), or ""."""
    ip: Address = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        else:
            ip = ip.ipv4_mapped or ip.sixtofour or ip
    for kind, applies in ADDRESS_KINDS:
        if applies(ip):
            return str(kind)
    return ""


def endpoint_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now, each checked (unless private addresses are
    allowed); PushTargetError if any is not public, OSError if it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if settings.WEBPUSH_ALLOW_PRIVATE_ADDRESSES:
        return addresses
    for address in addresses:
        kind = address_kind(address)
        if not kind:
            continue
        if address == host.strip("[]"):  # an IP address in the endpoint itself
            raise PushTargetError(
                _("%(address)s is not a public address (%(kind)s).")
                % {"address": address, "kind": kind}
            )
        raise PushTargetError(
            _("%(host)s resolves to %(address)s, which is not a public address (%(kind)s).")
            % {"host": host, "address": address, "kind": kind}
        )
    return addresses


def push_endpoint_check(endpoint: str) -> None:
    """Raise PushTargetError unless pushes may go to `endpoint`: https, an allowed host,
    and public addresses only (see the module docstring). Resolves the host name (DNS)."""
    host, port = endpoint_host(endpoint)
    try:
        endpoint_addresses(host, port)
    except OSError:
        raise PushTargetError(
            _("%(host)s cannot be resolved to an address.") % {"host": host}
        ) from None


class CheckedNetworkBackend(httpcore.SyncBackend):
    """Opens each connection to an address checked just before, never by a second lookup."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = endpoint_addresses(host, port)
        except OSError as exc:  # the name does not resolve (now): a network error, retried
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure


class PushTransport(httpx.HTTPTransport):
    """httpx's transport with the push target checks (no proxy: pushes go direct)."""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to give its pool a network backend; this is the pool that
        # HTTPTransport builds without a proxy (httpx's default limits), on the checking
        # backend. If a new httpx stops using `_pool`, test_push_targets.py fails loudly.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=CheckedNetworkBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Settings may have changed since the device registered.
        endpoint_host(str(request.url))
        return super().handle_request(request)
