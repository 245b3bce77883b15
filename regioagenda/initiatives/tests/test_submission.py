import time

import pytest
from django.test import Client

from regioagenda.initiatives import submission
from regioagenda.initiatives.models import Initiative, InitiativeEvent, Status

pytestmark = pytest.mark.django_db

URL = "/initiatieven/indienen/"


def form_data(stamp: str, **overrides: str) -> dict[str, str]:
    data = {
        "title": "Een wipwapje in de Proefbuurt",
        "description": "Het oude wipwapje is kapot. Kinderen spelen nu op straat.",
        "submitter_kind": "inwoner",
        "submitter_name": "Anna de Vries",
        "organisation": "",
        "submitter_email": "anna@example.org",
        "domain": "",
        "place": "leiden/BU99990101",
        submission.FORM_STAMP: stamp,
        submission.HONEYPOT: "",
    }
    data.update(overrides)
    return data


def test_a_submission_is_routed_to_domain_topic_and_competent_body(
    client: Client, leidse_regio, leiden, green, leiden_places, college_decides, old_stamp
):
    parent, child = green
    response = client.post(URL, form_data(old_stamp))

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.status == Status.SUBMITTED
    assert initiative.domain == child  # "wipwapje" is the sub-domain's keyword
    assert initiative.topic == parent.topics.get()  # the sub-domain borrows its parent's topic
    assert initiative.municipality == leiden
    assert initiative.place == leiden_places[1]
    assert list(initiative.competences.all()) == [college_decides]
    assert list(initiative.events.values_list("status", "public")) == [(Status.SUBMITTED, False)]

    thanks = client.get(response["Location"]).content.decode()
    assert str(initiative.reference) in thanks
    assert "Wat gebeurt er nu?" in thanks


def test_a_chosen_domain_wins_over_the_text(
    client: Client, leidse_regio, green, leiden_places, old_stamp
):
    parent, _child = green
    client.post(URL, form_data(old_stamp, domain="proefgroen"))
    assert Initiative.objects.get().domain == parent


def test_the_topic_is_the_domains_topic_sharing_most_words(leidse_regio, green):
    from regioagenda.initiatives.routing import best_topic
    from regioagenda.vision.models import Topic

    parent, _child = green
    first, second = Topic.objects.in_region(leidse_regio).order_by("position")[:2]
    parent.topics.set([first, second])
    assert best_topic(parent, second.title) == second
    assert best_topic(parent, "xqzv") == first  # no shared word: the first topic


MARKUP = [
    ("title", "<script>alert(1)</script>", "Titel bevat HTML"),
    ("description", 'Kijk <a href="https://x.nl">hier</a>', "Omschrijving bevat HTML"),
    ("submitter_name", '<img src=x onerror="alert(1)">', "Naam bevat HTML"),
    ("organisation", "javascript:alert(1)", "Organisatie bevat HTML"),
    ("description", "Klik op javascript :void(0)", "Omschrijving bevat HTML"),
    ("title", "Mooi &lt;b&gt;", "Titel bevat HTML"),
    ("description", "tekst onmouseover=alert(1)", "Omschrijving bevat HTML"),
]
TOO_LONG = [
    ("title", "x" * 151, "Titel is te lang: hoogstens 150 tekens"),
    ("description", "x" * 4001, "Omschrijving is te lang: hoogstens 4000 tekens"),
    ("submitter_name", "x" * 151, "Naam is te lang"),
    ("organisation", "x" * 201, "Organisatie is te lang"),
]
LINKS = [
    (
        "description",
        "Zie https://a.nl en https://b.nl en www.c.nl",
        "Omschrijving bevat meer dan 2 links",
    )
]


@pytest.mark.parametrize(("field", "value", "message"), MARKUP + TOO_LONG + LINKS)
def test_unsafe_or_spammy_text_is_refused_naming_the_field_and_nothing_is_stored(
    client: Client, leidse_regio, green, leiden_places, old_stamp, field, value, message
):
    response = client.post(URL, form_data(old_stamp, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Initiative.objects.exists()
    assert not InitiativeEvent.objects.exists()


def test_two_links_and_a_plain_smaller_than_sign_are_fine(
    client: Client, leidse_regio, green, leiden_places, old_stamp
):
    text = "Zie https://a.nl en www.b.nl; minder dan 3 < 5 auto's per uur."
    assert client.post(URL, form_data(old_stamp, description=text)).status_code == 302
    assert Initiative.objects.get().description == text


def test_a_filled_honeypot_is_refused(client: Client, leidse_regio, leiden_places, old_stamp):
    response = client.post(URL, form_data(old_stamp, **{submission.HONEYPOT: "https://spam"}))
    assert "Het verborgen veld ‘Laat dit veld leeg’ is ingevuld" in response.content.decode()
    assert not Initiative.objects.exists()


def test_the_honeypot_is_hidden_from_people_keyboards_and_screen_readers(
    client: Client, leidse_regio
):
    page = client.get(URL).content.decode()
    assert '<div class="ra-trap" aria-hidden="true">' in page
    assert 'name="website" value="" tabindex="-1" autocomplete="off"' in page


@pytest.mark.parametrize(
    ("stamp", "message"),
    [
        (lambda: submission.form_stamp(), "Het formulier is te snel verstuurd"),
        (lambda: submission.form_stamp(at=time.time() - 2 * 86400), "Het formulier is verlopen"),
        (lambda: "geknoeid", "Het formulier is ongeldig of verlopen"),
        (lambda: "", "Het formulier is ongeldig of verlopen"),
    ],
)
def test_a_form_sent_too_fast_too_late_or_without_a_valid_stamp_is_refused(
    client: Client, leidse_regio, leiden_places, stamp, message
):
    response = client.post(URL, form_data(stamp()))
    assert message in response.content.decode()
    assert not Initiative.objects.exists()


def test_stamp_check_uses_the_minimum_time_without_waiting():
    served = 1_000_000.0
    stamp = submission.form_stamp(at=served)
    assert submission.stamp_problem(stamp, now=served + 1) != ""
    assert submission.stamp_problem(stamp, now=served + submission.MIN_SECONDS) == ""


def test_one_address_may_submit_a_few_initiatives_an_hour(
    client: Client, leidse_regio, leiden_places, old_stamp
):
    for number in range(submission.PER_HOUR):
        response = client.post(URL, form_data(old_stamp, title=f"Idee {number}"))
        assert response.status_code == 302
    response = client.post(URL, form_data(old_stamp, title="Nog een idee"))
    assert response.status_code == 429
    assert "Vanaf dit adres zijn het afgelopen uur al" in response.content.decode()
    assert Initiative.objects.count() == submission.PER_HOUR
    other = client.post(URL, form_data(old_stamp, title="Van elders"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def test_the_thank_you_page_without_a_submission_leads_to_the_form(client: Client, leidse_regio):
    response = client.get("/initiatieven/bedankt/")
    assert response.status_code == 302 and response["Location"] == URL
