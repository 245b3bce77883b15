import re
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/themas/",
    "/themas/wonen-en-groen/",
    "/themas/krachten-verenigen/",
    "/onderwerpen/economie071/",
    "/gemeenten/",
    "/gemeenten/leiden/",
    "/kwaliteiten/",
    "/samenwerking/",
    "/toegankelijkheid/",
    "/privacy/",
    "/contact/",
    "/inloggen/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_served_with_footer_links_and_strict_csp(client: Client, leidse_regio, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    for footer_link in (
        'href="/toegankelijkheid/"',
        'href="/privacy/"',
        'href="/.well-known/security.txt"',
    ):
        assert footer_link in page
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # Scripts only from our own host or with this response's nonce; styles only from files.
    assert re.search(r"script-src 'self'( 'nonce-[\w+/=-]+')?;", policy)
    assert "style-src 'self';" in policy
    assert "style=" not in page  # inline styles would need 'unsafe-inline'


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_pages_load_nothing_from_other_hosts(client: Client, leidse_regio, path):
    page = client.get(path).content.decode()
    assets = re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)="([^"]+)"', page)
    external = [url for url in assets if re.match(r"^(https?:)?//", url)]
    # rel=alternate links point at our own pages in the other language.
    assert all("://testserver" in url for url in external), external


def test_home_shows_the_region_its_ambition_themes_and_municipalities(client, leidse_regio):
    page = client.get("/").content.decode()
    assert '<h1 class="utrecht-heading-1">Leidse regio</h1>' in page
    assert "Karaktervolle groei" in page
    assert page.count('class="ra-card"') == 7
    assert "130.328" in page  # Leiden, formatted the Dutch way
    assert "220.726" in page  # the region's total
    assert "CBS StatLine 03759ned" in page


def test_theme_page_lists_its_topics_with_their_source(client, leidse_regio):
    theme = Theme.objects.get(slug="economie")
    page = client.get(theme.get_absolute_url()).content.decode()
    for topic in theme.topics.all():
        assert topic.title in page
        assert topic.get_absolute_url() in page
    assert theme.source_section in page


def test_governance_chapter_works_like_a_theme(client, leidse_regio):
    response = client.get("/themas/krachten-verenigen/")
    assert response.status_code == 200
    assert (
        "Netwerkbijeenkomsten" in response.content.decode()
        or Topic.objects.get(slug="regionale-netwerkbijeenkomsten").title
        in response.content.decode()
    )


def test_english_version_shows_english_texts(client, leidse_regio):
    theme = Theme.objects.get(slug="wonen-en-groen")
    response = client.get("/en/themas/wonen-en-groen/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in page
    assert theme.title_en in page
    assert "Skip to content" in page
    assert 'href="/themas/wonen-en-groen/"' in page  # the way back to Dutch


def test_dutch_is_the_default_language(client, leidse_regio):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nl"' in page
    assert "Direct naar de inhoud" in page


def test_unknown_page_gives_a_styled_404(client, leidse_regio):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page
    assert "utrecht-page-footer" in page
    assert "Traceback" not in page


def test_unknown_topic_gives_a_404(client, leidse_regio):
    assert client.get("/onderwerpen/bestaat-niet/").status_code == 404


def test_security_txt_follows_rfc_9116(client, leidse_regio):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"].startswith("mailto:")
    assert re.match(r"\d{4}-\d{2}-\d{2}T", fields["Expires"])
    assert fields["Canonical"].endswith("/.well-known/security.txt")
    policy = client.get(urlparse(fields["Policy"]).path)
    assert policy.status_code == 200 and "Reporting a vulnerability" in policy.content.decode()


def test_site_shows_the_configured_region(client, leidse_regio, kustregio, settings):
    settings.REGION_SLUG = "kustregio"
    page = client.get("/").content.decode()
    assert "Kustregio" in page and "Zandhaven" in page
    assert "Leiderdorp" not in page
    assert page.count('class="ra-card"') == 2
    assert "onvolledig" in page  # Helmbroek has no population figure
    assert client.get("/themas/wonen-en-groen/").status_code == 404
    assert client.get("/themas/toerisme/").status_code == 200


def test_home_query_count_does_not_grow_with_topics(
    client, leidse_regio, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get("/")
    with django_assert_max_num_queries(8):
        client.get(reverse("website:themes"))


def test_server_error_page_needs_no_database_and_shows_no_details(rf):
    from regioagenda.website.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Er ging iets mis" in page and "Traceback" not in page


def test_collectstatic_finds_every_file_the_stylesheets_refer_to(settings, tmp_path, monkeypatch):
    from django.core.management import call_command

    from regioagenda.core.storage import StaticStorage

    # Compressing every file (gzip and brotli) takes most of the half minute and is whitenoise's
    # own business; the manifest of hashed names is what this test is about.
    monkeypatch.setattr(StaticStorage, "compress_files", lambda self, paths: iter(()))

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "regioagenda.core.storage.StaticStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "regioagenda/theme.css" in manifest and "regioagenda/report.css" in manifest
    assert "cyrillic" not in manifest  # unused subsets are left out
