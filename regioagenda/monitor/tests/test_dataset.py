import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from regioagenda.monitor.dataset import load_monitor
from regioagenda.monitor.models import Indicator, Observation, Target
from regioagenda.monitor.series import regional_series, target_status
from regioagenda.vision.dataset import DataSetError, LoadReport

pytestmark = pytest.mark.django_db

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"


def load(region, folder=LEIDSE_REGIO) -> LoadReport:
    report = LoadReport(region=region)
    load_monitor(region, folder, report)
    return report


@pytest.fixture
def monitor(leidse_regio):
    load(leidse_regio)
    return leidse_regio


@pytest.fixture
def copy(tmp_path):
    """A copy of the Leidse regio's folder to break."""
    folder = tmp_path / "leidse-regio"
    shutil.copytree(LEIDSE_REGIO, folder)
    return folder


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_five_municipalities_grew_from_210363_to_220726_inhabitants(monitor):
    inhabitants = Indicator.objects.get(region=monitor, slug="inwoners")

    series = {v.period_start.year: v for v in regional_series(inhabitants, monitor)}

    assert sorted(series) == list(range(2019, 2027))
    assert series[2019].value == Decimal(210363)
    assert series[2026].value == Decimal(220726)
    assert series[2026].explanation == "Som van 5 gemeenten."
    assert all(v.complete for v in series.values())


def test_the_220000_target_was_reached_after_ten_years(monitor):
    target = Target.objects.get(indicator__slug="inwoners", municipality=None)

    status = target_status(target, monitor)

    assert (target.year, target.base_year) == (2032, 2017)
    assert status.status == "gehaald"
    assert status.latest.period_label == "1 januari 2026"
    assert status.latest.value == Decimal(220726)


def test_every_figure_carries_its_source(monitor):
    observations = Observation.objects.filter(indicator__region=monitor)

    assert observations.count() == 211
    assert not observations.filter(source_title="").exists()
    assert not observations.filter(source_url="").exists()


def test_indicators_without_open_data_say_so_and_have_no_figures(monitor):
    for slug in ("luchtkwaliteit-no2", "waterkwaliteit", "banen", "woningbouw-sinds-2017"):
        indicator = Indicator.objects.get(region=monitor, slug=slug)
        assert indicator.no_data_note
        assert not indicator.observations.exists()


def test_indicators_are_linked_to_their_themes_rules_and_targets(monitor):
    waste = Indicator.objects.get(region=monitor, slug="huishoudelijk-afval")
    density = Indicator.objects.get(region=monitor, slug="woningdichtheid")
    jobs = Target.objects.get(indicator__slug="banen-bio-science-park")

    assert waste.weight.slug == "inwoners"
    assert [t.slug for t in waste.topics.all()] == ["circulaire-economie"]
    assert (density.numerator.slug, density.denominator.slug) == (
        "woningvoorraad",
        "oppervlakte-land",
    )
    assert (jobs.year, jobs.value, jobs.base_value) == (2027, Decimal(27000), Decimal(17000))


def test_the_region_value_of_a_weighted_mean_names_who_is_missing(monitor):
    waste = Indicator.objects.get(region=monitor, slug="huishoudelijk-afval")

    by_year = {v.period_start.year: v for v in regional_series(waste, monitor)}

    assert by_year[2019].value is None
    assert by_year[2019].missing == ["Voorschoten"]


def test_housing_density_of_the_region_is_a_ratio_of_sums(monitor):
    density = Indicator.objects.get(region=monitor, slug="woningdichtheid")

    (value,) = regional_series(density, monitor)

    # (63853 + 12687 + 11273 + 11576 + 4142) / (21.85 + 11.5 + 7.29 + 11.11 + 21.16) km²
    assert round(value.value) == 1420


def test_a_reload_changes_nothing(monitor):
    before = Observation.objects.count()

    report = load(monitor)

    assert (report.created, report.updated) == (0, 0)
    assert report.changes == []
    assert Observation.objects.count() == before


def test_a_changed_figure_becomes_a_revision_on_reload(monitor, copy):
    path = copy / "monitor" / "observations" / "cbs-03759ned-bevolking.csv"
    path.write_text(path.read_text().replace(",124899,", ",124900,"), encoding="utf-8")

    report = load(monitor, copy)

    assert report.updated == 1
    revisions = Observation.objects.filter(area_key="GM0546", indicator__slug="inwoners")
    assert sorted(o.revision for o in revisions.filter(period_start__year=2019)) == [1, 2]


def test_a_region_without_a_monitor_folder_loads(leidse_regio, copy):
    shutil.rmtree(copy / "monitor")

    report = load(leidse_regio, copy)

    assert report.created == 0
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("file_name", "change", "message"),
    [
        (
            "indicators.yaml",
            lambda d: d["indicators"][0].update(themes=["bestaat-niet"]),
            "indicators.yaml, indicator 1 ('inwoners'): veld 'themes' noemt een onbekend thema "
            "('bestaat-niet').",
        ),
        (
            "indicators.yaml",
            lambda d: d["indicators"][0].update(topics=["bestaat-niet"]),
            "indicators.yaml, indicator 1 ('inwoners'): veld 'topics' noemt een onbekend "
            "onderwerp ('bestaat-niet').",
        ),
        (
            "indicators.yaml",
            lambda d: [i.pop("weight", None) for i in d["indicators"]],
            "indicators.yaml, indicator 16 ('huishoudelijk-afval'): een gewogen gemiddelde "
            "heeft veld 'weight' nodig (de indicator waarnaar gewogen wordt).",
        ),
        (
            "indicators.yaml",
            lambda d: d["indicators"][0].update(direction="omhoog"),
            "indicators.yaml, indicator 1 ('inwoners'): veld 'direction' is geen van: "
            "'hoger', 'lager', 'neutraal'.",
        ),
        (
            "targets.yaml",
            lambda d: d["targets"][0].update(municipality="GM0599"),
            "targets.yaml, doel 1 ('inwoners', 2032): veld 'municipality' is geen gemeente van "
            "de regio (GM0599).",
        ),
        (
            "targets.yaml",
            lambda d: d["targets"][0].update(indicator="bestaat-niet"),
            "targets.yaml, doel 1 ('bestaat-niet', 2032): veld 'indicator' noemt een onbekende "
            "indicator ('bestaat-niet').",
        ),
        (
            "targets.yaml",
            lambda d: d["targets"][0].update(base_year=2040),
            "targets.yaml, doel 1 ('inwoners', 2032): veld 'base_year' ligt niet voor het "
            "doeljaar.",
        ),
        (
            "targets.yaml",
            lambda d: d["targets"][0].pop("source_title"),
            "targets.yaml, doel 1: veld 'source_title' ontbreekt.",
        ),
    ],
)
def test_a_bad_file_stops_the_load_with_a_dutch_message(
    leidse_regio, copy, file_name, change, message
):
    edit_yaml(copy / "monitor" / file_name, change)

    with pytest.raises(DataSetError) as error:
        load(leidse_regio, copy)

    assert message in error.value.problems
    assert not Indicator.objects.exists()


def test_a_bad_figure_stops_the_load_and_names_file_row_and_column(leidse_regio, copy):
    path = copy / "monitor" / "observations" / "cbs-03759ned-bevolking.csv"
    path.write_text(path.read_text().replace(",124899,", ",veel,"), encoding="utf-8")

    with pytest.raises(DataSetError) as error:
        load(leidse_regio, copy)

    assert error.value.problems == [
        "observations/cbs-03759ned-bevolking.csv: Rij 2, kolom 'waarde': 'veel' is geen getal."
    ]
    assert not Observation.objects.exists()


def test_an_unknown_area_code_rolls_back_everything(leidse_regio, copy):
    path = copy / "monitor" / "observations" / "cbs-03759ned-bevolking.csv"
    path.write_text(path.read_text().replace("inwoners,GM0638,2019", "inwoners,GM0599,2019"))

    with pytest.raises(DataSetError) as error:
        load(leidse_regio, copy)

    assert error.value.problems == [
        "observations/cbs-03759ned-bevolking.csv: Rij 34, kolom 'gebied': 'GM0599' is geen "
        "bekende gemeente, wijk of buurt."
    ]
    assert not Indicator.objects.exists()
    assert not Observation.objects.exists()


def test_the_back_office_lists_figures_with_their_revisions(monitor, admin_client):
    indicator = Indicator.objects.get(region=monitor, slug="inwoners")
    changelist = reverse("admin:monitor_observation_changelist")
    response = admin_client.get(changelist, {"indicator__id__exact": indicator.pk})

    assert response.status_code == 200
    assert "124899" in response.content.decode()
    change = reverse("admin:monitor_indicator_change", args=[indicator.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.get(reverse("admin:monitor_importrun_changelist")).status_code == 200
