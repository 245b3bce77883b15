"""Requests that no page or operation can answer sensibly are refused before they reach one;
behind a trusted proxy, a request carries the visitor's address instead of the proxy's."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, SuspiciousOperation
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class ClientAddressMiddleware:
    """Behind a reverse proxy, REMOTE_ADDR becomes the address of the visitor.

    Behind nginx every request comes from the proxy's address, so the lockout per address,
    the limits on submissions per address and the audit trail's origin would lump all visitors
    together: ten wrong passwords from anyone would lock everyone out. The proxy adds the
    address it saw to X-Forwarded-For; the addresses before it are whatever the client sent.
    So the header is read only when the request comes from a trusted proxy
    (`REGIOAGENDA_TRUSTED_PROXIES`, set with DJANGO_BEHIND_PROXY), from the right, up to the
    first address that is not itself a trusted proxy. Off when no proxy is trusted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = [
            ipaddress.ip_network(value, strict=False)
            for value in settings.REGIOAGENDA_TRUSTED_PROXIES
        ]
        if not self.trusted:
            raise MiddlewareNotUsed

    def _is_trusted(self, address: IPAddress | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if self._is_trusted(_address(meta.get("REMOTE_ADDR", ""))):
            for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
                address = _address(hop)
                if not self._is_trusted(address):
                    # Not an address: keep the proxy's rather than trust the text.
                    if address is not None:
                        meta["REMOTE_ADDR"] = str(address)
                    break
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """A NUL character in the address or the query is refused with 400.

    No text here contains one, and PostgreSQL cannot store or compare one: a filter with "%00"
    would otherwise end in a database error (500) on PostgreSQL and an empty answer on SQLite.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise SuspiciousOperation("NUL character in the request address")
        return self.get_response(request)
