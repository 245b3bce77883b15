import re
import shutil
from pathlib import Path

import pytest
import yaml
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from conftest import KUSTREGIO, LEIDSE_REGIO
from regioagenda.competences.models import Competence, Place, PolicyDomain
from regioagenda.events.models import Audience, Category, ClashRules, Neighbour
from regioagenda.meetings.models import Body
from regioagenda.monitor.models import Indicator, Observation, Target
from regioagenda.proposals.models import GazetteerEntry, Term
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import Contribution, Participation
from regioagenda.vision.dataset import DataSetError, load_region
from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic

pytestmark = pytest.mark.django_db

THEME_SLUGS = [
    "wonen-en-groen",
    "economie",
    "bereikbaarheid",
    "duurzaamheid",
    "gezondheid",
    "iedereen-doet-mee",
    "voorzieningen",
    "krachten-verenigen",
]


@pytest.fixture
def copy_of_leidse_regio(tmp_path: Path) -> Path:
    folder = tmp_path / "leidse-regio"
    shutil.copytree(LEIDSE_REGIO, folder)
    return folder


def test_leidse_regio_holds_the_whole_vision():
    region = load_region(LEIDSE_REGIO).region

    assert list(Theme.objects.in_region(region).values_list("slug", flat=True)) == THEME_SLUGS
    assert Theme.objects.in_region(region).aspects().count() == 7
    governance = Theme.objects.get(region=region, is_governance=True)
    assert governance.slug == "krachten-verenigen"
    assert governance.topics.count() == 2
    assert Topic.objects.in_region(region).exclude(theme=governance).count() == 20
    assert Quality.objects.in_region(region).count() == 7
    assert Principle.objects.in_region(region).count() == 7
    assert Agreement.objects.in_region(region).count() == 5
    assert sorted(region.municipalities.values_list("code", flat=True)) == [
        "GM0546",
        "GM0547",
        "GM0579",
        "GM0626",
        "GM0638",
    ]


def test_population_comes_from_the_cbs_table_with_its_source():
    load_region(LEIDSE_REGIO)
    leiden = Municipality.objects.get(code="GM0546")
    assert leiden.population == 130328  # CBS 03759ned, 1 January 2026
    assert leiden.population_date.isoformat() == "2026-01-01"
    assert "03759ned" in leiden.population_source
    assert leiden.tooi_uri == "https://identifier.overheid.nl/tooi/id/gemeente/gm0546"


def test_every_item_has_english_and_cites_its_section():
    region = load_region(LEIDSE_REGIO).region
    for model in (Quality, Principle, Agreement, Theme, Topic):
        for item in model.objects.filter(region=region):
            assert item.title_en and item.summary_en, item
            assert item.source_section, item


def test_loading_twice_changes_nothing():
    load_region(LEIDSE_REGIO)
    counts = {model: model.objects.count() for model in (Region, Municipality, Theme, Topic)}
    log_entries = LogEntry.objects.count()
    register = sum(model.objects.count() for model in (PolicyDomain, Place, Competence))
    monitor = sum(model.objects.count() for model in (Indicator, Target, Observation))
    suggestions = GazetteerEntry.objects.count() + Term.objects.count()
    calendar = sum(
        model.objects.count() for model in (Category, Audience, ClashRules, Neighbour, Body)
    )

    report = load_region(LEIDSE_REGIO)

    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert (
        report.unchanged
        == sum(counts.values()) + 7 + 7 + 5 + 11 + 149 + register + monitor + suggestions + calendar
    )  # + organisations, joint bodies, competences, the monitor, the gazetteer, the calendar
    assert {model: model.objects.count() for model in counts} == counts
    assert LogEntry.objects.count() == log_entries
    # An unchanged row keeps its version: an editor who opened it meanwhile can still save.
    assert set(Participation.objects.values_list("version", flat=True)) == {1}
    assert set(Contribution.objects.values_list("version", flat=True)) <= {1}


def test_editing_one_summary_updates_that_item_in_place(copy_of_leidse_regio: Path):
    load_region(copy_of_leidse_regio)
    topic = Topic.objects.get(slug="economie071")
    themes = copy_of_leidse_regio / "themes.yaml"
    data = yaml.safe_load(themes.read_text())
    economy = next(theme for theme in data["themes"] if theme["slug"] == "economie")
    economy["topics"][0]["summary"] = "Een nieuwe samenvatting."
    themes.write_text(yaml.safe_dump(data, allow_unicode=True))

    report = load_region(copy_of_leidse_regio)

    assert (report.created, report.updated, report.deleted) == (0, 1, 0)
    updated = Topic.objects.get(slug="economie071")
    assert updated.pk == topic.pk
    assert updated.summary == "Een nieuwe samenvatting."
    assert updated.version == topic.version + 1
    assert LogEntry.objects.get_for_object(updated).first().changes_dict["summary"] == [
        topic.summary,
        "Een nieuwe samenvatting.",
    ]


def test_a_topic_removed_from_the_files_is_removed(copy_of_leidse_regio: Path):
    load_region(copy_of_leidse_regio)
    themes = copy_of_leidse_regio / "themes.yaml"
    text = themes.read_text()
    start = text.index("      - slug: uitbreiding-lab071")
    end = text.index("  - slug: duurzaamheid")
    themes.write_text(text[:start] + text[end:])
    # The curated terms of that topic go with it.
    terms = copy_of_leidse_regio / "terms.yaml"
    data = yaml.safe_load(terms.read_text())
    data["groups"] = [g for g in data["groups"] if g.get("topic") != "uitbreiding-lab071"]
    terms.write_text(yaml.safe_dump(data, allow_unicode=True))

    report = load_region(copy_of_leidse_regio)

    assert report.deleted == 1
    assert not Topic.objects.filter(slug="uitbreiding-lab071").exists()
    assert Topic.objects.filter(slug="bereikbaarheidsstrategie").exists()


def test_missing_field_is_named_with_file_item_and_field_and_nothing_is_loaded(
    copy_of_leidse_regio: Path,
):
    themes = copy_of_leidse_regio / "themes.yaml"
    text = themes.read_text()
    start = text.index("        title_en: Joint housing programme")
    themes.write_text(text[:start] + text[text.index("\n", start) + 1 :])

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "themes.yaml, thema 1 ('wonen-en-groen'), onderwerp 2 ('woningbouwprogramma'): "
        "veld 'title_en' ontbreekt."
    ]
    assert not Region.objects.exists()
    assert not Topic.objects.exists()


def test_malformed_yaml_names_the_line(copy_of_leidse_regio: Path):
    (copy_of_leidse_regio / "principles.yaml").write_text("principles:\n  - slug: [kapot\n")

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert len(error.value.problems) == 1
    assert error.value.problems[0].startswith("principles.yaml: geen geldige YAML (regel ")


def test_bad_municipality_row_is_reported_by_row_and_column(copy_of_leidse_regio: Path):
    csv_file = copy_of_leidse_regio / "municipalities.csv"
    csv_file.write_text(
        csv_file.read_text()
        .replace("GM0547,Leiderdorp", "0547,Leiderdorp")
        .replace("26095,", "zesentwintigduizend,")
    )

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "municipalities.csv, rij 3 (0547): kolom 'code' heeft niet de juiste vorm "
        "(GM en vier cijfers, zoals GM0546).",
        "municipalities.csv, rij 4 (GM0579): kolom 'population' moet een geheel getal zijn.",
    ]


def test_duplicate_topic_slugs_are_refused(copy_of_leidse_regio: Path):
    themes = copy_of_leidse_regio / "themes.yaml"
    themes.write_text(themes.read_text().replace("slug: uitbreiding-lab071", "slug: economie071"))

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "themes.yaml: onderwerp 'economie071' komt meer dan één keer voor."
    ]


def test_unknown_field_is_reported_as_a_probable_typo(copy_of_leidse_regio: Path):
    agreements = copy_of_leidse_regio / "agreements.yaml"
    agreements.write_text(agreements.read_text().replace("    summary_en:", "    sumary_en:", 1))

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert (
        "agreements.yaml, afspraak 1 ('thematische-ontmoetingen'): veld 'sumary_en' is "
        "onbekend (tikfout?)." in error.value.problems
    )
    assert (
        "agreements.yaml, afspraak 1 ('thematische-ontmoetingen'): veld 'summary_en' "
        "ontbreekt." in error.value.problems
    )


def test_a_second_region_loads_beside_the_first_and_keeps_to_itself():
    load_region(LEIDSE_REGIO)
    kust = load_region(KUSTREGIO).region

    assert kust.municipalities.count() == 3
    assert list(Theme.objects.in_region(kust).values_list("slug", flat=True)) == [
        "kustveiligheid",
        "toerisme",
    ]
    assert Topic.objects.in_region(kust).count() == 3
    assert not Quality.objects.in_region(kust).exists()  # optional files may be left out
    assert Municipality.objects.get(code="GM9903").population is None
    assert Region.objects.get(slug="leidse-regio").municipalities.count() == 5


def test_a_municipality_cannot_move_to_another_region_by_accident(tmp_path: Path):
    load_region(LEIDSE_REGIO)
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    (folder / "municipalities.csv").write_text("code,name,slug\nGM0546,Leiden,leiden\n")

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    assert error.value.problems == [
        "municipalities.csv: gemeente GM0546 hoort al bij regio 'leidse-regio'."
    ]


def test_command_reports_problems_in_dutch_and_loads_nothing(tmp_path: Path):
    with pytest.raises(CommandError) as error:
        call_command("load_region", str(tmp_path / "bestaat-niet"))
    assert "zijn niet geladen; er is niets gewijzigd" in str(error.value)
    assert "bestaat niet" in str(error.value)
    assert not Region.objects.exists()


def test_command_loads_the_leidse_regio_by_default(capsys):
    call_command("load_region")
    created = re.search(r"Regio 'leidse-regio' geladen: (\d+) nieuw, 0 ", capsys.readouterr().out)
    assert created is not None
    # Everything the command created is found unchanged by the next load.
    again = load_region(LEIDSE_REGIO)
    assert (again.created, again.unchanged) == (0, int(created.group(1)))


def test_organisations_are_loaded_and_hand_made_ones_survive_a_reload(copy_of_leidse_regio: Path):
    from regioagenda.regions.models import Organisation

    region = load_region(copy_of_leidse_regio).region
    assert Organisation.objects.get(slug="universiteit-leiden").kind == "kennisinstelling"
    Organisation.objects.create(
        region=region, slug="portaal", name="Portaal", kind="woningcorporatie"
    )
    load_region(copy_of_leidse_regio)
    assert Organisation.objects.filter(slug="portaal").exists()


def test_an_unknown_organisation_kind_is_reported_by_row(copy_of_leidse_regio: Path):
    path = copy_of_leidse_regio / "organisations.csv"
    path.write_text(
        path.read_text().replace("heineken,Heineken,bedrijf", "heineken,Heineken,brouwer")
    )
    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)
    assert error.value.problems == [
        "organisations.csv, rij 12 (heineken): kolom 'kind' heeft niet de juiste vorm (een van: "
        "woningcorporatie, overheid, kennisinstelling, bedrijf, maatschappelijk, overig)."
    ]
