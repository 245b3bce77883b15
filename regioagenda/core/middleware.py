"""Requests that no page or operation can answer sensibly are refused before they reach one."""

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse


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
