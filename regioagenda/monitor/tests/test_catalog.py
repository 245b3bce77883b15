"""The open-data catalogue (DCAT-AP-NL 3.0 in JSON-LD), read back as RDF, and the open-data page."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import Page, expect
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from regioagenda.core.browser_testing import assert_accessible, visit
from regioagenda.monitor.dataset import load_monitor
from regioagenda.monitor.tests.conftest import clear_monitor
from regioagenda.monitor.tests.factories import make_indicator, make_observation
from regioagenda.regions.models import Municipality
from regioagenda.vision.dataset import LoadReport
from regioagenda.vision.models import Theme, Topic

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"
EU = "http://publications.europa.eu/resource/authority/"
CBS_TABLE = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned/table"
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CC_BY = URIRef("http://creativecommons.org/licenses/by/4.0/")

# The properties DCAT-AP-NL 3.0 makes mandatory (cardinality 1..n or 1..1).
DATASET_MUST_HAVE = [
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.identifier,
    DCTERMS.publisher,
    DCTERMS.creator,
    DCAT.contactPoint,
    DCAT.theme,
    DCTERMS.accessRights,
]
DISTRIBUTION_MUST_HAVE = [DCAT.accessURL, DCTERMS.license, DCTERMS.format, DCAT.mediaType]
SERVICE_MUST_HAVE = [
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.identifier,
    DCTERMS.publisher,
    DCAT.contactPoint,
    DCAT.theme,
    DCTERMS.accessRights,
    DCTERMS.license,
    DCAT.endpointURL,
    DCAT.endpointDescription,
]


def _name(prop: URIRef) -> str:
    return str(prop).rsplit("/", 1)[-1].split("#")[-1]


@pytest.fixture
def municipalities(leidse_regio) -> dict[str, Municipality]:
    return {m.code: m for m in Municipality.objects.in_region(leidse_regio)}


@pytest.fixture
def inhabitants(leidse_regio, municipalities):
    indicator = make_indicator(
        leidse_regio,
        "inwoners",
        name="Inwoners",
        name_en="Inhabitants",
        definition="Het aantal inwoners op 1 januari.",
        definition_en="The number of inhabitants on 1 January.",
        unit="inwoners",
        source_title="CBS StatLine, Bevolking op 1 januari",
        source_table="03759ned",
        source_url=CBS_TABLE,
    )
    indicator.themes.add(Theme.objects.in_region(leidse_regio).order_by("position").first())
    indicator.topics.add(Topic.objects.filter(region=leidse_regio).first())
    make_observation(indicator, municipalities["GM0546"], 2019, 124306)
    make_observation(
        indicator, municipalities["GM0579"], 2026, 27000, retrieved_on=datetime.date(2026, 8, 3)
    )
    return indicator


@pytest.fixture
def without_figures(leidse_regio, municipalities):
    # Even a stray figure does not list an ambition whose note says there is no open data yet.
    noted = make_indicator(leidse_regio, "luchtkwaliteit", no_data_note="Nog geen open data.")
    make_observation(noted, municipalities["GM0546"], 2024, 1)
    return [noted, make_indicator(leidse_regio, "fietsgebruik")]


def catalogue_graph(client, prefix: str = "") -> tuple[Graph, str]:
    response = client.get(prefix + reverse("opendata:catalogue"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    body = response.content.decode()
    # rdflib reads the inline context offline; a remote one would need the network.
    return Graph().parse(data=body, format="json-ld"), body


def dataset_of(indicator, graph: Graph) -> URIRef:
    page = URIRef(f"http://testserver{indicator.get_absolute_url()}")
    (dataset,) = graph.subjects(DCAT.landingPage, page)
    return dataset  # type: ignore[return-value]


def test_catalogue_names_the_region_as_publisher_with_a_contact(
    client, leidse_regio, inhabitants, settings
):
    graph, _ = catalogue_graph(client)
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert Literal(f"Open data van de {leidse_regio.name}", lang="nl") in graph.objects(
        catalogue, DCTERMS.title
    )
    assert any(True for _ in graph.objects(catalogue, DCTERMS.description))
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert Literal(leidse_regio.name, lang="nl") in graph.objects(publisher, FOAF.name)
    contact = graph.value(catalogue, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in graph
    assert graph.value(contact, VCARD.hasEmail) == URIRef(f"mailto:{settings.CONTACT_EMAIL}")
    assert dataset_of(inhabitants, graph) in set(graph.objects(catalogue, DCAT.dataset))


@pytest.mark.parametrize("prop", DATASET_MUST_HAVE, ids=_name)
def test_every_dataset_has_the_mandatory_property(client, inhabitants, prop):
    graph, _ = catalogue_graph(client)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 3  # the indicator, the strategic agenda, the joint bodies
    for dataset in datasets:
        assert graph.value(dataset, prop) is not None, (dataset, prop)


@pytest.mark.parametrize("prop", DISTRIBUTION_MUST_HAVE, ids=_name)
def test_every_distribution_has_the_mandatory_property(client, inhabitants, prop):
    graph, _ = catalogue_graph(client)
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 3 + 3  # csv, xlsx, ods; themes, topics, joint bodies
    for distribution in distributions:
        assert graph.value(distribution, prop) is not None, (distribution, prop)


@pytest.mark.parametrize("prop", SERVICE_MUST_HAVE, ids=_name)
def test_the_api_is_a_data_service_with_the_mandatory_property(client, inhabitants, prop):
    graph, _ = catalogue_graph(client)
    (service,) = graph.subjects(RDF.type, DCAT.DataService)
    assert graph.value(service, prop) is not None


def test_the_api_service_points_to_its_openapi_document_and_serves_the_agenda(client, inhabitants):
    graph, _ = catalogue_graph(client)
    (service,) = graph.subjects(RDF.type, DCAT.DataService)
    assert graph.value(service, DCAT.endpointURL) == URIRef("http://testserver/api/v1/")
    assert graph.value(service, DCAT.endpointDescription) == URIRef(
        "http://testserver/api/v1/openapi.json"
    )
    served = set(graph.objects(service, DCAT.servesDataset))
    assert URIRef("http://testserver/themas/#dataset") in served
    themes = URIRef("http://testserver/api/v1/regions/leidse-regio/themes")
    (distribution,) = graph.subjects(DCAT.accessURL, themes)
    assert graph.value(distribution, DCAT.accessService) == service


def test_an_indicator_dataset_describes_its_figures(client, inhabitants, municipalities):
    graph, _ = catalogue_graph(client)
    dataset = dataset_of(inhabitants, graph)
    titles = set(graph.objects(dataset, DCTERMS.title))
    assert titles == {Literal("Inwoners", lang="nl"), Literal("Inhabitants", lang="en")}
    assert Literal("The number of inhabitants on 1 January.", lang="en") in set(
        graph.objects(dataset, DCTERMS.description)
    )
    period = graph.value(dataset, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate).toPython() == datetime.date(2019, 1, 1)
    assert graph.value(period, DCAT.endDate).toPython() == datetime.date(2026, 1, 1)
    assert graph.value(dataset, DCTERMS.modified).toPython() == datetime.date(2026, 8, 3)
    assert graph.value(dataset, DCTERMS.license) == CC_BY
    assert graph.value(dataset, DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    assert graph.value(dataset, DCTERMS.language) == URIRef(f"{EU}language/NLD")
    assert URIRef(f"{EU}data-theme/REGI") in set(graph.objects(dataset, DCAT.theme))
    assert URIRef(CBS_TABLE) in set(graph.objects(dataset, DCTERMS.source))
    leiden = URIRef("http://standaarden.overheid.nl/owms/terms/Leiden_(gemeente)")
    assert leiden in set(graph.objects(dataset, DCTERMS.spatial))
    assert graph.value(leiden, DCTERMS.identifier) == Literal("GM0546")
    assert len(set(graph.objects(dataset, DCTERMS.spatial))) == len(municipalities) + 1


def test_an_indicator_has_its_downloads_as_distributions(client, inhabitants):
    graph, _ = catalogue_graph(client)
    dataset = dataset_of(inhabitants, graph)
    by_format = {
        graph.value(d, DCTERMS.format): d for d in graph.objects(dataset, DCAT.distribution)
    }
    assert set(by_format) == {URIRef(f"{EU}file-type/{f}") for f in ("CSV", "XLSX", "ODS")}
    csv = by_format[URIRef(f"{EU}file-type/CSV")]
    assert graph.value(csv, DCAT.accessURL) == URIRef(
        "http://testserver/monitor/inwoners/cijfers.csv"
    )
    assert graph.value(csv, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(csv, DCTERMS.conformsTo) == URIRef(
        "http://testserver/monitor/inwoners/cijfers.csv-metadata.json"
    )
    assert client.get(str(graph.value(csv, DCAT.accessURL))).status_code == 200


def test_ambitions_without_open_data_are_not_listed(client, inhabitants, without_figures):
    graph, body = catalogue_graph(client)
    for indicator in without_figures:
        page = URIRef(f"http://testserver{indicator.get_absolute_url()}")
        assert not list(graph.subjects(DCAT.landingPage, page)), indicator.slug
    assert "luchtkwaliteit" not in body


def test_every_iri_is_absolute_even_from_the_english_site(client, inhabitants):
    graph, _ = catalogue_graph(client, prefix="/en")
    iris = {node for triple in graph for node in triple if isinstance(node, URIRef)}
    assert iris
    assert all(str(iri).startswith(("http://", "https://", "mailto:")) for iri in iris)
    # Identifiers do not change with the language a harvester happens to ask in.
    assert not any("/en/" in str(iri) for iri in iris)


def test_region_themes_are_a_concept_scheme_with_labels_in_both_languages(client, inhabitants):
    graph, _ = catalogue_graph(client)
    theme = inhabitants.themes.get()
    concept = URIRef(f"http://testserver{theme.get_absolute_url()}")
    assert (concept, RDF.type, SKOS.Concept) in graph
    assert Literal(theme.title, lang="nl") in set(graph.objects(concept, SKOS.prefLabel))


def test_catalogue_queries_do_not_grow_with_indicators(
    client, leidse_regio, inhabitants, municipalities
):
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("opendata:catalogue"))
    theme = Theme.objects.in_region(leidse_regio).first()
    for n in range(4):
        more = make_indicator(leidse_regio, f"indicator-{n}", position=n + 2)
        more.themes.add(theme)
        make_observation(more, municipalities["GM0546"], 2024, n)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("opendata:catalogue"))
    graph = Graph().parse(data=response.content, format="json-ld")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 5 + 2
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_whole_data_set_makes_a_valid_catalogue(client, leidse_regio):
    load_monitor(leidse_regio, LEIDSE_REGIO, LoadReport(region=leidse_regio))
    graph, _ = catalogue_graph(client)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) > 10
    for dataset in datasets:
        missing = [p for p in DATASET_MUST_HAVE if graph.value(dataset, p) is None]
        assert not missing, (dataset, missing)


@pytest.mark.parametrize(
    ("prefix", "heading", "indicator"), [("", "Datasets", "Inwoners"), ("/en", None, "Inhabitants")]
)
def test_open_data_page_lists_the_datasets_with_downloads(
    client, inhabitants, prefix, heading, indicator
):
    response = client.get(prefix + reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f">{indicator}</a>" in html
    assert 'rel="alternate" type="application/ld+json"' in html
    assert "/monitor/inwoners/cijfers.csv" in html
    assert "/api/v1/openapi.json" in html
    assert "creativecommons.org/licenses/by/4.0/" in html
    if heading:
        assert heading in html


@pytest.mark.browser
def test_visitor_finds_the_open_data_from_the_footer(page: Page, live_server, region):
    clear_monitor()
    leiden = Municipality.objects.get(code="GM0546")
    inhabitants = make_indicator(region, "inwoners", name="Inwoners", unit="inwoners")
    make_observation(inhabitants, leiden, 2026, 130328)

    visit(page, live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Open data", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Open data")).to_be_visible()
    expect(page.get_by_role("link", name="Inwoners")).to_be_visible()
    expect(
        page.get_by_role("list", name="Downloads van Inwoners").get_by_role("link")
    ).to_have_count(3)
    assert_accessible(page, "open data")
