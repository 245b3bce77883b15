"""The monitor's annual report: what it says for a year, its page and its tagged PDF."""

import base64
import re
import shutil
import subprocess  # runs poppler's pdftotext and pdfinfo, fixed local programs
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Max, Min, Sum
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils.formats import number_format

from regioagenda.monitor.dataset import load_monitor
from regioagenda.monitor.models import Indicator, Observation, Target
from regioagenda.monitor.report import Report, annual_report, chart_svg, draw_charts
from regioagenda.monitor.series import Status
from regioagenda.regions.models import Region
from regioagenda.vision.dataset import LoadReport

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"


@pytest.fixture
def data_set(leidse_regio) -> Region:
    """The Leidse regio with its monitor: indicators, figures and targets of the data set."""
    load_monitor(leidse_regio, LEIDSE_REGIO, LoadReport(region=leidse_regio))
    return leidse_regio


def population(year: int) -> Decimal:
    """The region's inhabitants on 1 January of `year`, summed here from the data set's rows."""
    total = Observation.objects.filter(
        indicator__slug="inwoners", period_start__year=year, municipality__isnull=False
    ).aggregate(total=Sum("value"))["total"]
    assert total is not None, year
    return total


def dutch(value: Decimal | int) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def last_year() -> int:
    return Observation.objects.aggregate(last=Max("period_start"))["last"].year


def entry_of(report: Report, slug: str):  # type: ignore[no-untyped-def]
    return next(entry for entry in report.entries if entry.indicator.slug == slug)


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams, the XMP metadata) unpacked."""
    parts = [pdf]
    for stream in re.finditer(rb"/FlateDecode.*?stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        parts.append(zlib.decompressobj().decompress(stream.group(1)))
    return b"\n".join(parts)


def test_report_tells_how_the_population_reached_its_target(data_set):
    year = last_year()
    report = annual_report(data_set, year)
    assert report is not None
    inhabitants = entry_of(report, "inwoners")
    assert inhabitants.latest.value == population(year)
    assert inhabitants.latest.period_label == f"1 januari {year}"
    # The story the data set tells: 210.363 in 2019, 220.726 in 2026, over the 220.000 target.
    assert (population(2019), population(2026)) == (210363, 220726)
    assert inhabitants.values[0].value == population(2019)
    assert inhabitants.earlier is not None
    assert inhabitants.earlier.value == population(year - 5)
    assert inhabitants.change == population(year) - population(year - 5)
    target = Target.objects.get(indicator__slug="inwoners", municipality=None)
    assert inhabitants.status is not None and inhabitants.status.target == target
    assert inhabitants.status.status == Status.REACHED
    assert inhabitants.status.latest.period_start.year == year
    assert "Som van 5 gemeenten" in inhabitants.latest.explanation
    assert {m.code: o.value for m, o in inhabitants.municipal} == {
        o.municipality.code: o.value
        for o in Observation.objects.filter(indicator__slug="inwoners", period_start__year=year)
    }
    assert [s.table for s in inhabitants.sources] == ["03759ned"]


def test_report_page_shows_the_story_with_chart_tables_and_pdf_link(client, data_set):
    year = last_year()
    response = client.get(reverse("monitor:report", kwargs={"year": year}))
    assert response.status_code == 200
    html = response.content.decode()
    target = Target.objects.get(indicator__slug="inwoners", municipality=None)
    for number in (population(2019), population(year), target.value):
        assert dutch(number) in html
    assert "gehaald" in html
    assert 'data-vega-lite="grafiek-inwoners-spec"' in html
    assert reverse("monitor:report_pdf", kwargs={"year": year}) in html
    assert '<th scope="row"' in html and '<th scope="col"' in html
    assert "style=" not in html  # the strict CSP allows no inline styles


def test_dashboard_links_to_the_report(client, data_set):
    html = client.get(reverse("monitor:dashboard")).content.decode()
    assert reverse("monitor:reports") in html


def test_report_index_shows_the_latest_year(client, data_set):
    response = client.get(reverse("monitor:reports"))
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:report", kwargs={"year": last_year()})
    years = annual_report(data_set, last_year()).years  # type: ignore[union-attr]
    assert years == sorted(set(years)) and years[-1] == last_year()


def test_report_index_without_figures_says_there_is_none(client, leidse_regio):
    response = client.get(reverse("monitor:reports"))
    assert response.status_code == 404
    assert "nog geen jaarverslag" in response.content.decode()


def test_year_before_any_figures_has_no_report(client, data_set):
    first = Observation.objects.aggregate(first=Min("period_start"))["first"].year
    assert annual_report(data_set, first - 1) is None
    for name in ("monitor:report", "monitor:report_pdf"):
        assert client.get(reverse(name, kwargs={"year": first - 1})).status_code == 404
    assert client.get(reverse("monitor:report", kwargs={"year": first})).status_code == 200


def test_report_of_an_earlier_year_uses_only_the_figures_up_to_then(data_set):
    year = last_year() - 2
    report = annual_report(data_set, year)
    assert report is not None
    inhabitants = entry_of(report, "inwoners")
    assert inhabitants.latest.value == population(year)
    assert all(value.year <= year for entry in report.entries for value in entry.values)
    assert inhabitants.municipal_period == f"1 januari {year}"
    # The status is where the region stood then: measured and projected on figures up to then.
    assert inhabitants.status is not None
    assert inhabitants.status.latest.period_start.year == year
    assert inhabitants.status.latest.value == population(year)
    assert inhabitants.status.projection[0][0] == year
    assert all(int(row["jaar"]) <= year for row in _region_line(inhabitants.chart))


def _region_line(spec):  # type: ignore[no-untyped-def]
    return [row for row in spec["datasets"]["lijnen"] if row["reeks"] == "Regio"]


def test_summary_counts_every_ambition_once_and_lists_those_without_figures(data_set):
    report = annual_report(data_set, last_year())
    assert report is not None
    dashboard = Indicator.objects.filter(region=data_set, on_dashboard=True)
    assert sum(report.summary.counts.values()) + report.summary.without_target == (
        dashboard.count()
    )
    assert report.summary.counts[Status.REACHED] >= 1
    without_data = dashboard.exclude(no_data_note="")
    assert without_data.exists()
    assert {m.indicator for m in report.missing} >= set(without_data)
    assert {m.note for m in report.missing} >= {i.no_data_note for i in without_data}
    assert not {e.indicator for e in report.entries} & {m.indicator for m in report.missing}


def test_ambition_with_figures_but_no_regional_value_is_reported_not_missing(data_set):
    year = last_year()
    report = annual_report(data_set, year)
    assert report is not None
    measured = Indicator.objects.filter(
        region=data_set,
        on_dashboard=True,
        no_data_note="",
        observations__period_start__year__lte=year,
    ).distinct()
    assert {entry.indicator for entry in report.entries} == set(measured)
    # Such as residual waste, where a municipality's figure is missing: the table says so.
    partial = [entry for entry in report.entries if entry.latest is None]
    assert partial
    for entry in partial:
        assert entry.chart is None
        assert any(observation for _municipality, observation in entry.municipal)


def test_pdf_draws_every_chart_as_svg_text_with_a_text_alternative(data_set, rf: RequestFactory):
    report = annual_report(data_set, last_year())
    assert report is not None
    draw_charts(report)
    html = render_to_string(
        "monitor/report_pdf.html", {"report": report}, request=rf.get("/monitor/jaarverslag/")
    )
    charted = [entry for entry in report.entries if entry.chart]
    assert charted
    assert html.count('src="data:image/svg+xml;base64,') == len(charted)
    inhabitants = entry_of(report, "inwoners")
    assert f'alt="{inhabitants.chart_alt}"' in html
    for number in (population(2019), population(last_year()), 220000):
        assert dutch(number) in inhabitants.chart_alt
    svg = base64.b64decode(inhabitants.chart_image.split(",", 1)[1]).decode()
    # Text as text (not outlines), so that the PDF's reader can find and copy it.
    assert re.search(r"<text[^>]*>Jaar</text>", svg)


def test_chart_data_may_only_be_inline():
    with pytest.raises(ValueError, match="not allowed"):
        chart_svg({"data": {"url": "https://example.org/cijfers.json"}, "mark": "point"})


def test_pdf_is_tagged_titled_in_dutch_and_holds_the_figures_as_text(client, data_set, tmp_path):
    year = last_year()
    response = client.get(reverse("monitor:report_pdf", kwargs={"year": year}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="monitor-{data_set.slug}-{year}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    pdf = inflated(response.content)
    assert b"/StructTreeRoot" in pdf and b"/MarkInfo" in pdf
    assert b"/Lang (nl)" in pdf
    assert b"pdfuaid:part" in pdf
    path = tmp_path / "jaarverslag.pdf"
    path.write_bytes(response.content)
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    assert pdfinfo and pdftotext, "poppler-utils ontbreekt"
    info = subprocess.run([pdfinfo, path], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+Jaarverslag van de monitor {year}, {data_set.name}$", info, re.M)
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-enc", "UTF-8", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    report = annual_report(data_set, year)
    assert report is not None
    for entry in report.entries:
        assert entry.indicator.name in text, entry.indicator.slug
    # Each chart is a tagged figure with its text alternative.
    charted = [entry for entry in report.entries if entry.chart]
    assert pdf.count(b"/S /Figure") == pdf.count(b"/Alt ") == len(charted)
    assert dutch(population(year)) in text
    assert "Inhoud" in text and "1 / " in text  # contents and page numbers


def test_pdf_speaks_english_under_en(client, data_set):
    response = client.get(f"/en/monitor/jaarverslag/{last_year()}/jaarverslag.pdf")
    assert response.status_code == 200
    assert b"/Lang (en)" in inflated(response.content)
