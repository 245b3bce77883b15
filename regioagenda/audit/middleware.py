"""Keep the request at hand for audit records, and record every refusal (403)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from regioagenda.audit.records import current_request, record


class AuditMiddleware:
    """Place after AuthenticationMiddleware, so that the refusals it records name the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                # PermissionDenied has become this 403 by now, as has a CSRF refusal.
                record(
                    "permission.denied",
                    request=request,
                    obj=request.path,
                    result="denied",
                    detail={"method": request.method},
                )
            return response
        finally:
            current_request.reset(token)
