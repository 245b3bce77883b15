import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from regioagenda.accounts.models import User
from regioagenda.core.middleware import ClientAddressMiddleware

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/leidse-regio/policy-domains?parent=a%00b",
        "/api/v1/regions/leidse%00regio/policy-domains",
    ],
)
def test_a_nul_character_in_an_api_request_is_a_problem_400(client, leidse_regio, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_nul_character_in_a_page_query_is_refused(client, leidse_regio):
    assert client.get("/wie-beslist/?tekst=afval%00").status_code == 400
    assert client.get("/wie-beslist/?tekst=afval").status_code == 200


# --- the visitor's address behind a proxy ----------------------------------------------------


def _address_seen(settings, trusted, remote, forwarded=None):
    settings.REGIOAGENDA_TRUSTED_PROXIES = trusted
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    ClientAddressMiddleware(view)(RequestFactory().get("/", **extra))
    return seen["address"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # nginx appends the address it saw; what comes before it the client may have made up.
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "10.9.9.9, 203.0.113.9", "203.0.113.9"),
        # A chain of trusted proxies is walked from the right.
        ("127.0.0.1", "198.51.100.4, 10.0.0.2", "198.51.100.4"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        # Not from a trusted proxy: the header is anyone's word and is ignored.
        ("192.0.2.50", "203.0.113.9", "192.0.2.50"),
        # No usable address in the header: the proxy's stays.
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "onzin", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.9, onzin", "127.0.0.1"),
    ],
)
def test_behind_a_trusted_proxy_the_visitors_address_is_read_from_the_right(
    settings, remote, forwarded, expected
):
    trusted = ["127.0.0.1", "::1", "10.0.0.0/8"]
    assert _address_seen(settings, trusted, remote, forwarded) == expected


def test_without_trusted_proxies_the_header_is_not_read(settings):
    with pytest.raises(MiddlewareNotUsed):
        _address_seen(settings, [], "127.0.0.1", "203.0.113.9")


def test_behind_the_proxy_ten_wrong_passwords_lock_out_one_visitor_not_all(
    client, settings, leidse_regio
):
    settings.REGIOAGENDA_TRUSTED_PROXIES = ["127.0.0.1"]
    User.objects.create_user("echt", password="het-echte-wachtwoord-123", is_staff=True)
    login = reverse("accounts:login")
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for attempt in range(10):
        response = client.post(
            login,
            {"username": f"gok-{attempt}", "password": "fout"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **via_proxy,
        )
    assert response.status_code == 429

    other_visitor = client.post(
        login,
        {"username": "echt", "password": "het-echte-wachtwoord-123"},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
        **via_proxy,
    )

    assert other_visitor.status_code == 302
