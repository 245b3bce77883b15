from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from regioagenda.api.problems import PROBLEM_CONTENT_TYPE, problem_response

API_PREFIX = "/api/"

DETAILS = {
    404: "Er is geen item op dit adres.",
    405: "Deze methode is hier niet toegestaan.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
}


class ApiResponseMiddleware:
    """Every API response names the API version, and every API error is a problem document.

    Errors that arise outside the API's own handlers (an unknown path, a method the operation
    does not take, a crash) would otherwise come back as HTML pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith(PROBLEM_CONTENT_TYPE):
            status = response.status_code
            problem = problem_response(request, status, DETAILS.get(status, "Fout."))
            if "Allow" in response:
                problem["Allow"] = response["Allow"]
            response = problem
        response["API-Version"] = settings.API_VERSION
        return response
