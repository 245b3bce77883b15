import datetime

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.agenda.tests.factories import make_action, report
from regioagenda.dossiers.models import CouncilDecision, DecisionDocument
from regioagenda.dossiers.tests.factories import decide, make_dossier
from regioagenda.regions.models import Municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def record_url(dossier, code="GM0546", body="raad"):
    return reverse("dossiers:record_decision", args=[dossier.slug, code, body])


def form_data(decision=None, documents=(), **overrides):
    data = {
        "proposal_title": "Regionale woonagenda 2026-2030",
        "proposal_number": "RV 26.0114",
        "proposal_url": "https://leiden.notubiz.nl/document/123",
        "meeting_date": "2026-11-12",
        "outcome": "adopted",
        "outcome_note": "",
        "version": decision.version if decision else "",
        "documenten-TOTAL_FORMS": max(3, len(documents)),  # as the form offers them
        "documenten-INITIAL_FORMS": 0,
        "documenten-MIN_NUM_FORMS": 0,
        "documenten-MAX_NUM_FORMS": 30,
    }
    rows = [*documents, *[{}] * (3 - len(documents))]
    for number, document in enumerate(rows):
        # A browser sends every field of every row, empty ones included.
        row = {"id": "", "kind": "amendment", "title": "", "result": "unknown", "url": ""}
        for name, value in (row | document).items():
            data[f"documenten-{number}-{name}"] = value
    data.update(overrides)
    return data


def divergent(dossier):
    """Four councils adopt, Voorschoten rejects."""
    for municipality in dossier.municipalities.all():
        decide(dossier, municipality, "rejected" if municipality.code == "GM0626" else "adopted")


def test_list_shows_each_dossier_with_how_many_decided_and_whether_they_diverged(
    client: Client, leidse_regio, dossier
):
    divergent(dossier)
    calm = make_dossier(leidse_regio, slug="afvalbeleid", title="Gezamenlijk afvalbeleid")
    decide(calm, Municipality.objects.get(code="GM0547"))
    make_dossier(leidse_regio, slug="nieuw", title="Nog niets besloten")

    page = client.get(reverse("dossiers:list")).content.decode()

    assert "3 dossiers" in page
    assert "Regionale woonagenda" in page and "5 van 5" in page
    assert "Gezamenlijk afvalbeleid" in page and "1 van 5" in page
    assert "nog geen besluiten" in page
    assert page.count("<strong>ja</strong>") == 2  # a council still to decide is divergence too
    assert "Uitvoering Omgevingsvisie Hart van Holland" in page  # the linked topic


def test_list_query_count_does_not_grow_with_dossiers(
    client: Client, leidse_regio, django_assert_max_num_queries
):
    for number in range(12):
        divergent(make_dossier(leidse_regio, slug=f"dossier-{number}"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dossiers:list"))
    assert response.content.decode().count("5 van 5") == 12


def test_dossier_page_shows_each_council_the_divergence_and_the_consequences(
    client: Client, leidse_regio, leiden_editor, dossier, leiden, voorschoten
):
    divergent(dossier)
    amended = CouncilDecision.objects.get(municipality=leiden)
    amended.outcome = "amended"
    amended.save()
    DecisionDocument.objects.create(
        decision=amended,
        kind="amendment",
        title="Meer sociale huur",
        result="adopted",
        url="https://leiden.notubiz.nl/amendement/7",
    )
    action = make_action(leiden, title="Woningbouwcoalitie")
    action.participants.set(Municipality.objects.in_region(leidse_regio).exclude(pk=voorschoten.pk))
    report(action, leiden_editor, 30, datetime.date(2026, 11, 1))
    dossier.actions.add(action)

    page = client.get(dossier.get_absolute_url()).content.decode()

    assert '<h1 class="utrecht-heading-1">Regionale woonagenda</h1>' in page
    assert "geamendeerd aangenomen" in page and "verworpen" in page
    assert '<a class="utrecht-link" href="https://leiden.notubiz.nl/amendement/7">' in page
    assert "Meer sociale huur</a> — aangenomen" in page
    assert "1 oktober 2026" in page
    assert (
        "3 van de 5 raden hebben het voorstel aangenomen; Leiden heeft het geamendeerd "
        "aangenomen en Voorschoten heeft het verworpen." in page
    )
    assert (
        "Alleen Leiden, Leiderdorp, Oegstgeest en Zoeterwoude doen mee aan actie "
        "“Woningbouwcoalitie”; Voorschoten verwierp het voorstel." in page
    )
    assert "30%" in page  # the linked action with its progress
    assert "Geschiedenis" not in page  # the audit trail is for staff
    assert "Raadsbesluit vastleggen" not in page and "Wijzigen" not in page


def test_an_editor_sees_where_to_record_her_own_councils_decision_only(
    client: Client, leiden_editor, dossier, oegstgeest
):
    decide(dossier, oegstgeest)
    client.force_login(leiden_editor)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert record_url(dossier) in page
    assert record_url(dossier, body="college") in page
    assert record_url(dossier, code="GM0579") not in page
    assert "Geschiedenis" in page  # editors are staff


def test_unknown_dossier_gives_a_404(client: Client, leidse_regio):
    assert client.get("/dossiers/bestaat-niet/").status_code == 404


def test_a_dossier_of_another_region_is_not_shown(client: Client, leidse_regio, kustregio):
    make_dossier(kustregio, slug="strandbeleid")
    assert client.get("/dossiers/strandbeleid/").status_code == 404


def test_dossier_page_query_count_does_not_grow_with_decisions(
    client: Client, leidse_regio, dossier, leiden, leiden_editor, django_assert_max_num_queries
):
    def count() -> int:
        with django_assert_max_num_queries(25) as captured:
            assert client.get(dossier.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    # An editor without staff access: the recording links are worked out, the audit trail
    # (a staff-only section of its own) stays out of the count.
    leiden_editor.is_staff = False
    leiden_editor.save()
    client.force_login(leiden_editor)
    decide(dossier, leiden, "amended", amendments=[("Amendement A", "adopted")])
    dossier.actions.add(make_action(leiden))
    few = count()

    for municipality in dossier.municipalities.exclude(pk=leiden.pk):
        decide(dossier, municipality, amendments=[("Motie", "rejected"), ("Motie 2", "adopted")])
    for municipality in dossier.municipalities.all():
        decide(dossier, municipality, body="college")
    for number in range(5):
        action = make_action(leiden, title=f"Actie {number}")
        action.participants.set(dossier.municipalities.all())
        report(action, leiden_editor, 10, datetime.date(2026, 11, 1))
        dossier.actions.add(action)

    assert count() == few
    client.logout()
    anonymous = count()
    assert anonymous <= few


def test_english_dossier_page(client: Client, dossier):
    dossier.title_en = "Regional housing agenda"
    dossier.save()
    page = client.get(f"/en{dossier.get_absolute_url()}").content.decode()
    assert "Regional housing agenda" in page


# --- The form on which a council's decision is recorded ------------------------------------


def test_a_visitor_is_sent_to_log_in(client: Client, dossier):
    response = client.get(record_url(dossier))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("leiden_editor", 200),
        ("coordinator", 200),
        ("oegstgeest_editor", 403),
        ("council_member", 403),
        ("kust_coordinator", 403),
    ],
)
def test_only_leidens_editors_and_the_coordinator_open_leidens_form(
    client: Client, request, dossier, who, status
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(record_url(dossier)).status_code == status
    assert client.post(record_url(dossier), form_data()).status_code == (
        302 if status == 200 else 403
    )
    assert CouncilDecision.objects.exists() is (status == 200)


def test_editor_of_oegstgeest_cannot_record_leidens_decision(
    client: Client, oegstgeest_editor, dossier
):
    client.force_login(oegstgeest_editor)
    assert client.post(record_url(dossier), form_data()).status_code == 403
    assert not CouncilDecision.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/bestaat-niet/besluit/GM0546/raad/",
        "/dossiers/regionale-woonagenda/besluit/GM0546/provincie/",
        "/dossiers/regionale-woonagenda/besluit/GM9999/raad/",
    ],
)
def test_unknown_dossier_body_or_municipality_gives_a_404(
    client: Client, coordinator, dossier, path
):
    client.force_login(coordinator)
    assert client.get(path).status_code == 404


def test_a_municipality_that_does_not_decide_has_no_form(
    client: Client, coordinator, dossier, voorschoten
):
    dossier.municipalities.remove(voorschoten)
    client.force_login(coordinator)
    assert client.get(record_url(dossier, code="GM0626")).status_code == 404


def test_editor_records_the_decision_with_an_amendment_and_a_motion(
    client: Client, leiden_editor, dossier, leiden
):
    client.force_login(leiden_editor)
    response = client.post(
        record_url(dossier),
        form_data(
            outcome="amended",
            documents=[
                {"kind": "amendment", "title": "Meer sociale huur", "result": "adopted"},
                {"kind": "motion", "title": "Monitor", "result": "rejected", "url": ""},
                {"kind": "amendment", "result": "unknown"},  # left empty
            ],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == dossier.get_absolute_url() + "#besluiten"
    decision = CouncilDecision.objects.get()
    assert (decision.municipality, decision.body, decision.outcome) == (leiden, "raad", "amended")
    assert decision.documents.count() == 2

    page = client.get(record_url(dossier)).content.decode()  # the form shows what is stored
    assert 'value="Meer sociale huur"' in page and 'value="Monitor"' in page
    assert 'documenten-TOTAL_FORMS" value="3"' in page  # the two, and one empty row


def test_an_amendment_is_removed_with_its_checkbox(client: Client, leiden_editor, dossier, leiden):
    decision = decide(
        dossier, leiden, "amended", amendments=[("Amendement A", "adopted"), ("Motie B", "unknown")]
    )
    first, second = decision.documents.order_by("pk")
    client.force_login(leiden_editor)
    data = form_data(
        decision,
        outcome="amended",
        documents=[
            {"id": first.pk, "kind": "amendment", "title": "Amendement A", "result": "adopted"},
            {"id": second.pk, "kind": "motion", "title": "Motie B", "result": "unknown"},
            {},
        ],
        **{"documenten-INITIAL_FORMS": 2, "documenten-1-DELETE": "on"},
    )
    assert client.post(record_url(dossier), data).status_code == 302
    assert list(decision.documents.values_list("title", flat=True)) == ["Amendement A"]


def test_a_bad_decision_shows_its_reasons_and_stores_nothing(
    client: Client, leiden_editor, dossier
):
    client.force_login(leiden_editor)
    response = client.post(
        record_url(dossier),
        form_data(
            meeting_date="2026-12-10",
            documents=[{"kind": "motion", "title": "", "url": "https://example.org/m"}],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Deze vergadering moet nog komen." in page
    assert "Controleer uw invoer" in page
    assert 'aria-invalid="true"' in page
    assert not CouncilDecision.objects.exists()

    response = client.post(record_url(dossier), form_data(outcome="amended"))
    assert "Bij “geamendeerd aangenomen” hoort minstens één aangenomen amendement." in (
        response.content.decode()
    )
    assert not CouncilDecision.objects.exists()


def test_second_save_of_the_same_version_gets_a_conflict(
    client: Client, leiden_editor, coordinator, dossier, leiden
):
    decision = decide(dossier, leiden)
    first = Client()
    first.force_login(coordinator)
    assert (
        first.post(record_url(dossier), form_data(decision, outcome_note="Unaniem")).status_code
        == 302
    )

    client.force_login(leiden_editor)
    response = client.post(
        record_url(dossier),
        form_data(
            decision,
            outcome="rejected",
            outcome_note="Verworpen",
            documents=[{"kind": "motion", "title": "Late motie", "result": "adopted"}],
        ),
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "iemand anders heeft dit besluit intussen vastgelegd of gewijzigd" in page
    assert "Unaniem" in page and "Verworpen" in page  # stored beside submitted
    assert "aangenomen" in page and "verworpen" in page
    assert "Motie “Late motie”: aangenomen" in page
    assert 'name="version" value="2"' in page  # saving again keeps the editor's input
    decision.refresh_from_db()
    assert (decision.outcome, decision.outcome_note) == ("adopted", "Unaniem")
    assert not decision.documents.exists()


def test_recording_a_decision_someone_recorded_meanwhile_gets_a_conflict(
    client: Client, leiden_editor, dossier, leiden
):
    client.force_login(leiden_editor)
    empty_form = form_data()  # opened before the decision existed: no version
    decide(dossier, leiden, "rejected")
    response = client.post(record_url(dossier), empty_form)
    assert response.status_code == 409
    assert CouncilDecision.objects.get().outcome == "rejected"


def test_posted_municipality_dossier_version_and_region_are_ignored(
    client: Client, leidse_regio, kustregio, leiden_editor, dossier, leiden, oegstgeest
):
    other = make_dossier(leidse_regio, slug="ander-dossier")
    decision = decide(dossier, leiden)
    client.force_login(leiden_editor)
    response = client.post(
        record_url(dossier),
        form_data(
            decision,
            outcome_note="Bijgewerkt",
            municipality=oegstgeest.pk,
            dossier=other.pk,
            region=kustregio.pk,
            body="college",
            id=9999,
            **{"version": decision.version},
        )
        | {"dossier_id": other.pk, "municipality_id": oegstgeest.pk},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.municipality, decision.dossier, decision.body, decision.version) == (
        leiden,
        dossier,
        "raad",
        2,
    )
    assert decision.outcome_note == "Bijgewerkt"
    assert CouncilDecision.objects.count() == 1
    assert not other.decisions.exists()


def test_a_posted_version_far_ahead_does_not_skip_the_check(
    client: Client, leiden_editor, dossier, leiden
):
    decision = decide(dossier, leiden)
    client.force_login(leiden_editor)
    response = client.post(record_url(dossier), form_data(decision, version=50, outcome="rejected"))
    assert response.status_code == 409
    decision.refresh_from_db()
    assert (decision.outcome, decision.version) == ("adopted", 1)


def test_pages_carry_no_inline_styles(client: Client, coordinator, dossier, leiden):
    divergent(dossier)
    client.force_login(coordinator)
    for url in [reverse("dossiers:list"), dossier.get_absolute_url(), record_url(dossier)]:
        assert "style=" not in client.get(url).content.decode(), url


def test_the_main_navigation_marks_the_dossiers(client: Client, dossier):
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert '<a class="utrecht-nav-list__link" href="/dossiers/" aria-current="page">' in page
