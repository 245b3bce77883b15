"""Competences in the API: everyone reads who decides what; the coordinator keeps the register,
an editor their own municipality's mandates; the model's checks refuse bad input."""

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.competences.models import Competence, Place, PolicyDomain
from regioagenda.regions.models import Region
from regioagenda.registry.tests.factories import make_body

pytestmark = pytest.mark.django_db

DOMAINS = "/api/v1/regions/leidse-regio/policy-domains"


def make_domain(region: Region, slug: str = "ruimte-test", **values: Any) -> PolicyDomain:
    values.setdefault("name", "Ruimte (test)")
    return PolicyDomain.objects.create(region=region, slug=slug, **values)


def make_competence(domain: PolicyDomain, **values: Any) -> Competence:
    values.setdefault("scale", "gemeente")
    values.setdefault("decision", "Het omgevingsplan vaststellen")
    values.setdefault("authority", "gemeenteraad")
    values.setdefault("basis", "wet")
    values.setdefault("law", "Omgevingswet")
    values.setdefault("article", "2.4")
    values.setdefault("url", "https://wetten.overheid.nl/BWBR0037885")
    competence = Competence(region=domain.region, domain=domain, **values)
    competence.full_clean()
    competence.save()
    return competence


@pytest.fixture
def domain(leidse_regio) -> PolicyDomain:
    return make_domain(leidse_regio)


@pytest.fixture
def kust_coordinator(kustregio) -> User:
    return make_user("coordinator-kust", Membership.Role.COORDINATOR, region=kustregio)


@pytest.fixture
def admin_user(db) -> User:
    return with_second_factor(User.objects.create_superuser("beheerder", password=None))


@pytest.fixture
def key_of(admin_user):  # type: ignore[no-untyped-def]
    def key(user: User) -> str:
        _, key = issue_token(
            with_second_factor(user),
            name="koppeling",
            memberships=list(user.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=admin_user,
        )
        return key

    return key


def call(client: Client, method: str, path: str, key: str | None, body: Any = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return getattr(client, method)(path, body, content_type="application/json", **headers)


def get_json(client: Client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["API-Version"] == "1.0.0"
    return response.json()


def invalid(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {item["name"]: item["reason"] for item in response.json()["invalidParams"]}


def competence_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "region": "leidse-regio",
        "domain": "ruimte-test",
        "scale": "wijk-of-dorp",
        "decision": "Een buurtbudget toekennen",
        "authority": "college",
        "municipality": "GM0546",
        "basis": "mandaat",
        "law": "Mandaatbesluit Leiden 2024",
        "url": "https://lokaleregelgeving.overheid.nl/mandaat",
    }
    payload.update(overrides)
    return payload


# Reading --------------------------------------------------------------------------------------


def test_policy_domains_show_their_parent_themes_topics_and_keywords(client, leidse_regio, domain):
    child = make_domain(
        leidse_regio, "wonen-test", name="Wonen", name_en="Housing", parent=domain, position=1
    )
    child.themes.set(leidse_regio.themes.filter(slug="wonen-en-groen"))
    child.topics.set(leidse_regio.topics.filter(slug="woningbouwprogramma"))
    child.keywords = "huizen, woningbouw"
    child.save()

    data = get_json(client, f"{DOMAINS}/wonen-test")

    assert data == {
        "slug": "wonen-test",
        "region": "leidse-regio",
        "name": {"nl": "Wonen", "en": "Housing"},
        "description": {"nl": "", "en": None},
        "parent": "ruimte-test",
        "keywords": ["huizen", "woningbouw"],
        "themes": ["wonen-en-groen"],
        "topics": ["woningbouwprogramma"],
        "position": 1,
        "version": 1,
        "links": {
            "self": f"{DOMAINS}/wonen-test",
            "parent": f"{DOMAINS}/ruimte-test",
            "competences": "/api/v1/competences?region=leidse-regio&domain=wonen-test",
        },
    }
    under = get_json(client, f"{DOMAINS}?parent=ruimte-test")
    assert [d["slug"] for d in under["items"]] == ["wonen-test"]
    by_theme = get_json(client, f"{DOMAINS}?theme=wonen-en-groen")
    assert "wonen-test" in [d["slug"] for d in by_theme["items"]]
    assert "ruimte-test" not in [d["slug"] for d in by_theme["items"]]


def test_places_are_filtered_by_municipality_and_kind(client, leiden, oegstgeest):
    district = Place.objects.create(
        municipality=leiden, kind="wijk", code="WK054699", name="Testwijk"
    )
    Place.objects.create(
        municipality=leiden, kind="buurt", code="BU05469901", name="Testbuurt", parent=district
    )
    Place.objects.create(municipality=oegstgeest, kind="wijk", code="WK057999", name="Elders")

    def all_items(query: str) -> list[dict]:
        items: list[dict] = []
        while True:
            page = get_json(client, f"/api/v1/places?{query}&limit=200&offset={len(items)}")
            items += page["items"]
            if len(items) >= page["count"]:
                return items

    neighbourhoods = all_items("municipality=GM0546&kind=buurt")
    assert {p["kind"] for p in neighbourhoods} == {"buurt"}
    assert {p["municipality"] for p in neighbourhoods} == {"GM0546"}
    assert {
        "code": "BU05469901",
        "name": "Testbuurt",
        "kind": "buurt",
        "municipality": "GM0546",
        "parent": "WK054699",
        "source": "",
    } in neighbourhoods
    codes = {p["code"] for p in all_items("municipality=gm0546")}
    assert {"WK054699", "BU05469901"} <= codes and "WK057999" not in codes


def test_competences_are_filtered_and_paged(client, leidse_regio, leiden, oegstgeest, domain):
    body = make_body(leidse_regio)
    everywhere = make_competence(domain)
    in_leiden = make_competence(
        domain, municipality=leiden, authority="college", basis="mandaat", scale="wijk-of-dorp"
    )
    in_oegstgeest = make_competence(domain, municipality=oegstgeest, authority="burgemeester")
    by_board = make_competence(
        domain, authority="algemeen-bestuur", joint_body=body, scale="regio", basis="regeling"
    )
    base = "/api/v1/competences?domain=ruimte-test&region=leidse-regio"

    def ids(query: str) -> set[int]:
        return {c["id"] for c in get_json(client, f"{base}{query}")["items"]}

    assert ids("") == {everywhere.pk, in_leiden.pk, in_oegstgeest.pk, by_board.pk}
    assert ids("&municipality=GM0546") == {everywhere.pk, in_leiden.pk, by_board.pk}
    assert ids("&scale=wijk-of-dorp") == {in_leiden.pk}
    assert ids("&authority=burgemeester") == {in_oegstgeest.pk}
    assert ids("&jointBody=testregeling") == {by_board.pk}
    page = get_json(client, f"{base}&limit=2&offset=2")
    assert page["count"] == 4 and len(page["items"]) == 2
    assert get_json(client, "/api/v1/competences?domain=ruimte-test&region=kustregio")["count"] == 0


def test_a_competence_shows_its_basis_and_links_and_nothing_else(
    client, leidse_regio, leiden, domain
):
    competence = make_competence(domain, municipality=leiden, since=datetime.date(2024, 1, 1))
    data = get_json(client, f"/api/v1/competences/{competence.pk}")
    assert data == {
        "id": competence.pk,
        "region": "leidse-regio",
        "domain": "ruimte-test",
        "scale": "gemeente",
        "decision": {"nl": "Het omgevingsplan vaststellen", "en": None},
        "authority": "gemeenteraad",
        "jointBody": None,
        "municipality": "GM0546",
        "basis": "wet",
        "law": "Omgevingswet",
        "article": "2.4",
        "url": "https://wetten.overheid.nl/BWBR0037885",
        "since": "2024-01-01",
        "note": {"nl": "", "en": None},
        "version": 1,
        "links": {
            "self": f"/api/v1/competences/{competence.pk}",
            "domain": f"{DOMAINS}/ruimte-test",
            "jointBody": None,
            "municipality": "/api/v1/municipalities/GM0546",
        },
    }
    assert client.get("/api/v1/competences/999999").status_code == 404


def test_competence_list_query_count_does_not_grow(
    client, leidse_regio, leiden, domain, django_assert_max_num_queries
):
    path = "/api/v1/competences?limit=100"
    make_competence(domain)
    client.get(path)
    with django_assert_max_num_queries(10) as before:
        client.get(path)
    for number in range(5):
        make_competence(domain, municipality=leiden, decision=f"Besluit {number}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(path)


# Writing competences --------------------------------------------------------------------------


def test_editor_adds_a_mandate_of_their_own_municipality(client, domain, leiden_editor, key_of):
    response = call(
        client, "post", "/api/v1/competences", key_of(leiden_editor), competence_payload()
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["municipality"], data["authority"], data["version"]) == ("GM0546", "college", 1)
    competence = Competence.objects.get(pk=data["id"])
    assert {entry.actor for entry in LogEntry.objects.get_for_object(competence)} == {leiden_editor}


@pytest.mark.parametrize(
    ("who", "municipality"),
    [
        ("oegstgeest_editor", "GM0546"),  # another municipality's mandate
        ("leiden_editor", None),  # holds in every municipality: the coordinator's
        ("kust_coordinator", "GM0546"),  # another region's coordinator
        ("council_member", "GM0546"),
    ],
)
def test_others_cannot_add_a_competence(client, domain, key_of, request, who, municipality):
    user = request.getfixturevalue(who)
    response = call(
        client,
        "post",
        "/api/v1/competences",
        key_of(user),
        competence_payload(municipality=municipality),
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Competence.objects.filter(domain=domain).exists()


def test_anonymous_cannot_write_competences(client, domain):
    competence = make_competence(domain)
    assert (
        call(client, "post", "/api/v1/competences", None, competence_payload()).status_code == 401
    )
    response = call(client, "delete", f"/api/v1/competences/{competence.pk}", None)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert Competence.objects.filter(pk=competence.pk).exists()


def test_coordinator_adds_a_competence_for_every_municipality(client, domain, coordinator, key_of):
    response = call(
        client,
        "post",
        "/api/v1/competences",
        key_of(coordinator),
        competence_payload(municipality=None, authority="gemeenteraad", basis="wet"),
    )
    assert response.status_code == 201, response.content
    assert response.json()["municipality"] is None


def test_unknown_domain_and_joint_body_are_named_not_a_crash(client, domain, coordinator, key_of):
    response = call(
        client,
        "post",
        "/api/v1/competences",
        key_of(coordinator),
        competence_payload(domain="bestaat-niet", authority="algemeen-bestuur", jointBody="nope"),
    )
    assert invalid(response) == {
        "domain": "'bestaat-niet' bestaat niet.",
        "jointBody": "'nope' bestaat niet.",
    }
    assert not Competence.objects.filter(domain__slug__in=["ruimte-test", "kustdomein"]).exists()


def test_a_joint_body_or_domain_of_another_region_is_refused(
    client, leidse_regio, kustregio, domain, coordinator, key_of
):
    make_body(kustregio, "kustregeling")
    make_domain(kustregio, "kustdomein")
    response = call(
        client,
        "post",
        "/api/v1/competences",
        key_of(coordinator),
        competence_payload(
            domain="kustdomein",
            authority="algemeen-bestuur",
            jointBody="kustregeling",
            municipality="GM9901",
        ),
    )
    assert invalid(response) == {
        "domain": "Dit beleidsdomein hoort bij een andere regio.",
        "jointBody": "Deze verbonden partij hoort bij een andere regio.",
        "municipality": "Deze gemeente hoort bij een andere regio.",
    }
    assert not Competence.objects.filter(domain__slug__in=["ruimte-test", "kustdomein"]).exists()


@pytest.mark.parametrize(
    ("authority", "joint_body"),
    [("college", "testregeling"), ("algemeen-bestuur", None)],
)
def test_a_joint_body_goes_with_a_board_and_only_with_a_board(
    client, leidse_regio, domain, coordinator, key_of, authority, joint_body
):
    make_body(leidse_regio)
    response = call(
        client,
        "post",
        "/api/v1/competences",
        key_of(coordinator),
        competence_payload(authority=authority, jointBody=joint_body),
    )
    assert invalid(response) == {
        "jointBody": "Kies een verbonden partij als haar bestuur beslist, en alleen dan."
    }
    assert not Competence.objects.filter(domain__slug__in=["ruimte-test", "kustdomein"]).exists()


def test_changing_a_competence_needs_the_current_version(
    client, leiden, domain, leiden_editor, key_of
):
    competence = make_competence(domain, municipality=leiden, authority="college", basis="mandaat")
    key = key_of(leiden_editor)
    path = f"/api/v1/competences/{competence.pk}"
    first = call(client, "put", path, key, competence_payload(decision="Eerste", version=1))
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    stale = call(client, "put", path, key, competence_payload(decision="Tweede", version=1))
    assert stale.status_code == 409
    competence.refresh_from_db()
    assert (competence.decision, competence.version) == ("Eerste", 2)


def test_editor_cannot_hand_a_mandate_to_another_municipality_or_touch_theirs(
    client, leiden, oegstgeest, domain, leiden_editor, key_of
):
    own = make_competence(domain, municipality=leiden, authority="college", basis="mandaat")
    theirs = make_competence(domain, municipality=oegstgeest, authority="college", basis="mandaat")
    key = key_of(leiden_editor)
    moved = call(
        client,
        "put",
        f"/api/v1/competences/{own.pk}",
        key,
        competence_payload(municipality="GM0579", version=1),
    )
    assert moved.status_code == 403
    other = call(
        client, "put", f"/api/v1/competences/{theirs.pk}", key, competence_payload(version=1)
    )
    assert other.status_code == 403
    assert call(client, "delete", f"/api/v1/competences/{theirs.pk}", key).status_code == 403
    own.refresh_from_db()
    assert own.municipality == leiden
    assert call(client, "delete", f"/api/v1/competences/{own.pk}", key).status_code == 204
    assert list(Competence.objects.filter(domain=domain)) == [theirs]


# Writing policy domains -----------------------------------------------------------------------


def domain_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "slug": "mobiliteit-test",
        "name": "Mobiliteit",
        "nameEn": "Mobility",
        "parent": "ruimte-test",
        "keywords": ["fiets", "bus"],
        "themes": ["wonen-en-groen"],
    }
    payload.update(overrides)
    return payload


def test_coordinator_adds_and_changes_a_policy_domain(client, domain, coordinator, key_of):
    key = key_of(coordinator)
    created = call(client, "post", DOMAINS, key, domain_payload())
    assert created.status_code == 201, created.content
    assert (created.json()["parent"], created.json()["keywords"]) == (
        "ruimte-test",
        ["fiets", "bus"],
    )
    path = f"{DOMAINS}/mobiliteit-test"
    first = call(client, "put", path, key, domain_payload(name="Verkeer", version=1))
    assert first.status_code == 200 and first.json()["name"]["nl"] == "Verkeer"
    stale = call(client, "put", path, key, domain_payload(name="Oud", version=1))
    assert stale.status_code == 409
    assert PolicyDomain.objects.get(slug="mobiliteit-test").name == "Verkeer"


def test_editor_cannot_keep_policy_domains(client, domain, leiden_editor, key_of):
    key = key_of(leiden_editor)
    assert call(client, "post", DOMAINS, key, domain_payload()).status_code == 403
    assert call(client, "delete", f"{DOMAINS}/ruimte-test", key).status_code == 403
    assert not PolicyDomain.objects.filter(slug="mobiliteit-test").exists()


def test_bad_policy_domains_are_refused_by_name(client, leidse_regio, domain, coordinator, key_of):
    key = key_of(coordinator)
    taken = call(client, "post", DOMAINS, key, domain_payload(slug="ruimte-test"))
    assert invalid(taken) == {"slug": "Deze korte naam is in deze regio al in gebruik."}
    unknown = call(client, "post", DOMAINS, key, domain_payload(parent="nope", topics=["nope"]))
    assert invalid(unknown) == {
        "parent": "'nope' bestaat niet in deze regio.",
        "topics": "'nope' bestaat niet in deze regio.",
    }
    make_domain(leidse_regio, "kind-test", parent=domain)
    loop = call(
        client,
        "put",
        f"{DOMAINS}/ruimte-test",
        key,
        domain_payload(slug="ruimte-test", parent="kind-test", version=1),
    )
    assert invalid(loop) == {"parent": "Een domein kan niet onder zichzelf vallen."}
    domain.refresh_from_db()
    assert domain.parent is None and domain.version == 1
    assert not PolicyDomain.objects.filter(slug="mobiliteit-test").exists()


def test_a_policy_domain_in_use_is_not_deleted(client, domain, coordinator, key_of):
    make_competence(domain)
    response = call(client, "delete", f"{DOMAINS}/ruimte-test", key_of(coordinator))
    assert response.status_code == 409
    assert "bevoegdheden" in response.json()["detail"]
    assert PolicyDomain.objects.filter(pk=domain.pk).exists()
