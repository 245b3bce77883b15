"""The public pages of the events calendar: the list with its filters, the month and the week,
and the event page."""

import datetime as dt
import html
import io

import PIL.Image
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_audience, make_category, make_event
from regioagenda.vision.models import Theme

NOW = local(2026, 10, 1, 12)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def listed(response) -> list[str]:
    return [occurrence.event.title for occurrence in response.context["occurrences"]]


@pytest.mark.django_db
def test_list_shows_upcoming_occurrences_of_a_series_and_leaves_out_the_past(client, leidse_regio):
    make_event(
        leidse_regio,
        "Wekelijkse wandeling",
        start=local(2026, 9, 22, 19, 30),
        end=local(2026, 9, 22, 21),
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    make_event(leidse_regio, "Afgelopen markt", start=local(2026, 9, 1, 10))
    make_event(leidse_regio, "Niet beoordeeld", moderation=Event.Moderation.PENDING)

    response = client.get(reverse("events:list"))

    assert response.status_code == 200
    # 22 and 29 September are past; 6 and 13 October are to come.
    starts = [o.start for o in response.context["occurrences"]]
    assert starts == [local(2026, 10, 6, 19, 30), local(2026, 10, 13, 19, 30)]
    assert "Afgelopen markt" not in response.content.decode()
    assert "Niet beoordeeld" not in response.content.decode()
    assert client.get("/en" + reverse("events:list")).status_code == 200


@pytest.mark.django_db
def test_list_filters_by_municipality_category_audience_theme_and_regional(
    client, leidse_regio, leiden, oegstgeest
):
    music = make_category(leidse_regio, "muziek", "Muziek")
    sport = make_category(leidse_regio, "sport", "Sport")
    children = make_audience(leidse_regio, "kinderen", "Kinderen")
    theme = Theme.objects.in_region(leidse_regio).order_by("position")[0]
    make_event(
        leidse_regio,
        "Kinderconcert",
        municipality=leiden,
        categories=[music],
        audiences=[children],
        themes=[theme],
        regional=True,
    )
    make_event(leidse_regio, "Voetbaltoernooi", municipality=oegstgeest, categories=[sport])

    def titles(**query) -> list[str]:
        return listed(client.get(reverse("events:list"), query))

    assert titles() == ["Kinderconcert", "Voetbaltoernooi"]
    assert titles(gemeente=oegstgeest.slug) == ["Voetbaltoernooi"]
    assert titles(categorie=["muziek", "sport"]) == ["Kinderconcert", "Voetbaltoernooi"]
    assert titles(categorie="sport") == ["Voetbaltoernooi"]
    assert titles(doelgroep="kinderen") == ["Kinderconcert"]
    assert titles(thema=theme.slug) == ["Kinderconcert"]
    assert titles(regionaal="on") == ["Kinderconcert"]
    assert titles(gemeente=leiden.slug, categorie="sport") == []
    filtered = client.get(reverse("events:list"), {"thema": theme.slug}).content.decode()
    assert "Alle filters wissen" in filtered
    assert "Alle filters wissen" not in client.get(reverse("events:list")).content.decode()


@pytest.mark.django_db
def test_list_filters_by_dates_and_refuses_invalid_filters_in_dutch(client, leidse_regio):
    make_event(leidse_regio, "Oktoberfeest", start=local(2026, 10, 10, 20))
    make_event(leidse_regio, "Novemberfeest", start=local(2026, 11, 10, 20))

    response = client.get(reverse("events:list"), {"van": "2026-11-01", "tot": "2026-11-30"})
    assert listed(response) == ["Novemberfeest"]

    response = client.get(
        reverse("events:list"),
        {"gemeente": "atlantis", "van": "gisteren", "tot": "2026-11-30", "categorie": "x"},
    )
    assert response.status_code == 200
    errors = response.context["filters"].errors
    assert set(errors) == {"gemeente", "van", "categorie"}
    page = response.content.decode()
    assert "Gemeente: Selecteer een geldige keuze" in page
    assert "Vanaf: Voer een geldige datum in." in page
    # An invalid filter narrows nothing: the page says why and still shows the events.
    assert listed(response) == ["Oktoberfeest", "Novemberfeest"]

    response = client.get(reverse("events:list"), {"van": "2026-12-01", "tot": "2026-11-01"})
    assert "Deze datum ligt vóór de begindatum." in response.content.decode()


@pytest.mark.django_db
def test_list_shows_status_and_badges_as_text_and_links_to_calendars(client, leidse_regio, leiden):
    music = make_category(leidse_regio, "muziek", "Muziek")
    cancelled = make_event(leidse_regio, "Zomerconcert", status=Event.Status.CANCELLED)
    make_event(leidse_regio, "Regiodag", regional=True, start=local(2026, 10, 3, 10))
    make_event(
        leidse_regio,
        "Beurs in Den Haag",
        municipality=None,
        place_outside_region="Den Haag",
        start=local(2026, 10, 4, 10),
    )

    response = client.get(reverse("events:list"), {"categorie": "muziek", "gemeente": leiden.slug})
    page = response.content.decode()
    assert "Zomerconcert" not in page  # no category chosen for it

    cancelled.categories.set([music])
    page = client.get(reverse("events:list")).content.decode()
    assert '<span class="ra-badge">Afgelast</span>' in page
    assert '<span class="ra-badge">Regio-evenement</span>' in page
    assert '<span class="ra-badge">Buiten de regio</span>' in page
    assert reverse("events:event_ics", kwargs={"pk": cancelled.pk}) in page
    assert "Zet in mijn agenda" in page

    response = client.get(reverse("events:list"), {"categorie": "muziek", "gemeente": leiden.slug})
    feed = response.context["feed"]
    assert feed.https.startswith("http")
    assert "/evenementen/agenda.ics?" in feed.https
    assert "categorie=muziek" in feed.https and f"gemeente={leiden.slug}" in feed.https
    assert feed.webcal.startswith("webcal://")
    assert html.escape(feed.https) in response.content.decode()


@pytest.mark.django_db
def test_list_pages_and_their_query_count_does_not_grow(client, leidse_regio):
    music = make_category(leidse_regio, "muziek", "Muziek")
    for n in range(3):
        make_event(leidse_regio, f"Concert {n}", categories=[music])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("events:list"))
    for n in range(30):
        make_event(leidse_regio, f"Lezing {n:02}", categories=[music])
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("events:list"))
    assert len(many) == len(few)
    assert response.context["page"].paginator.num_pages == 2
    second = client.get(reverse("events:list"), {"pagina": 2})
    assert len(listed(second)) == 13


@pytest.mark.django_db
def test_month_is_a_table_with_dutch_weekdays_monday_first(client, leidse_regio, leiden):
    make_event(
        leidse_regio,
        "Wekelijkse wandeling",
        start=local(2026, 10, 6, 19, 30),
        end=local(2026, 10, 6, 21),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    make_event(
        leidse_regio,
        "Lakenfeesten",
        start=local(2026, 10, 30, 10),
        end=local(2026, 11, 1, 18),
    )

    response = client.get(reverse("events:month", args=[2026, 10]), {"gemeente": leiden.slug})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption" in page and "oktober 2026" in page
    names = [name for name, _short in response.context["weekdays"]]
    assert names == ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    days = {day["date"]: day for week in response.context["weeks"] for day in week}
    assert [o.event.title for o in days[dt.date(2026, 10, 13)]["occurrences"]] == [
        "Wekelijkse wandeling"
    ]
    # A festival of three days shows on each of them, into the next month's first day.
    for day in (30, 31):
        assert [o.event.title for o in days[dt.date(2026, 10, day)]["occurrences"]] == [
            "Lakenfeesten"
        ]
    assert [o.event.title for o in days[dt.date(2026, 11, 1)]["occurrences"]] == ["Lakenfeesten"]
    assert response.context["previous_url"].endswith(f"/maand/2026/9/?gemeente={leiden.slug}")
    assert response.context["next_url"].endswith(f"/maand/2026/11/?gemeente={leiden.slug}")


@pytest.mark.django_db
def test_go_to_month_form_redirects_keeping_filters_and_bad_months_are_404(
    client, leidse_regio, leiden
):
    response = client.get(
        reverse("events:month", args=[2026, 10]),
        {"maand": "3", "jaar": "2027", "gemeente": leiden.slug},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("events:month", args=[2027, 3]) + (
        f"?gemeente={leiden.slug}"
    )
    assert client.get(reverse("events:month", args=[2026, 13])).status_code == 404
    assert client.get(reverse("events:week", args=[2026, 54])).status_code == 404
    # A nonsense jump shows the month as it was.
    response = client.get(reverse("events:month", args=[2026, 10]), {"maand": "x", "jaar": "1"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_week_lists_each_iso_day(client, leidse_regio):
    make_event(leidse_regio, "Dinsdagconcert", start=local(2026, 10, 6, 20))
    make_event(leidse_regio, "Zondagmarkt", start=local(2026, 10, 11, 10), all_day=True)

    response = client.get(reverse("events:week", args=[2026, 41]))

    assert response.status_code == 200
    days = response.context["days"]
    assert days[0]["date"] == dt.date(2026, 10, 5)
    assert [o.event.title for o in days[1]["occurrences"]] == ["Dinsdagconcert"]
    assert [o.event.title for o in days[6]["occurrences"]] == ["Zondagmarkt"]
    page = response.content.decode()
    assert "Maandag 5 oktober" in page and "hele dag" in page
    assert response.context["next_url"].endswith("/week/2026/42/")


@pytest.mark.django_db
def test_event_page_shows_what_is_public_and_nothing_else(client, leidse_regio, leiden):
    music = make_category(leidse_regio, "muziek", "Muziek")
    children = make_audience(leidse_regio, "kinderen", "Kinderen en gezinnen")
    event = make_event(
        leidse_regio,
        "Kinderconcert",
        municipality=leiden,
        description="<p>Een <strong>vrolijk</strong> concert.</p>",
        accessibility="Rolstoeltoegankelijk, ringleiding aanwezig.",
        organiser_email="geheim@example.org",
        categories=[music],
        audiences=[children],
        status=Event.Status.POSTPONED,
        moderation_note="Interne notitie",
    )

    response = client.get(event.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>vrolijk</strong>" in page
    assert "Rolstoeltoegankelijk, ringleiding aanwezig." in page
    assert "Muziek" in page and "Kinderen en gezinnen" in page
    assert "Uitgesteld" in page
    assert reverse("events:event_ics", kwargs={"pk": event.pk}) in page
    assert "webcal://" in page
    assert "geheim@example.org" not in page
    assert event.token not in page
    assert "Interne notitie" not in page


@pytest.mark.django_db
def test_unpublished_event_is_404_for_the_public_and_shown_to_its_moderators(
    client, leidse_regio, oegstgeest, coordinator, leiden_editor, oegstgeest_editor
):
    event = make_event(
        leidse_regio,
        "Nog te beoordelen",
        municipality=oegstgeest,
        moderation=Event.Moderation.PENDING,
    )
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:event_ics", kwargs={"pk": event.pk})).status_code == 404
    client.force_login(leiden_editor)
    assert client.get(event.get_absolute_url()).status_code == 404
    for moderator in (coordinator, oegstgeest_editor):
        client.force_login(moderator)
        response = client.get(event.get_absolute_url())
        assert response.status_code == 200
        assert "niet openbaar" in response.content.decode()
        # Not published, so not offered for calendars.
        assert reverse("events:event_ics", kwargs={"pk": event.pk}) not in response.content.decode()


@pytest.mark.django_db
def test_event_page_shows_the_image_with_its_alt_text(client, leidse_regio, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (4, 3), "red").save(buffer, "PNG")
    event = make_event(leidse_regio, "Lampionnenoptocht", image_format="png")
    event.image_alt = "Kinderen met lampionnen op de Breestraat"
    event.image.save("optocht.png", ContentFile(buffer.getvalue()))

    response = client.get(event.get_absolute_url())

    page = response.content.decode()
    assert 'alt="Kinderen met lampionnen op de Breestraat"' in page
    image_url = response.context["image_url"]
    assert image_url == reverse("events:image", kwargs={"pk": event.pk})
    assert f'src="{image_url}"' in page
    served = client.get(image_url)
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == buffer.getvalue()


@pytest.mark.django_db
def test_a_jpeg_image_is_served_as_jpeg(client, leidse_regio, settings, tmp_path):
    from regioagenda.events.submission import IMAGE_FORMATS

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (4, 3), "blue").save(buffer, "JPEG")
    event = make_event(leidse_regio, "Zomerfeest", image_format=IMAGE_FORMATS["JPEG"])
    event.image_alt = "Een blauw vlak"
    event.image.save("feest.jpg", ContentFile(buffer.getvalue()))

    served = client.get(reverse("events:image", kwargs={"pk": event.pk}))

    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
