"""The monitor's annual report: a page per year and the same report as a tagged PDF."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from regioagenda.core.pdf import render_pdf
from regioagenda.monitor.report import Report, annual_report, draw_charts, report_years
from regioagenda.regions.current import current_region


def report_index(request: HttpRequest) -> HttpResponse:
    """The latest year's report; before any figures, a page that says there is none yet."""
    region = current_region()
    years = report_years(region)
    if not years:
        return render(request, "monitor/report.html", {"report": None}, status=404)
    return redirect("monitor:report", year=years[-1])


def _report(year: int) -> Report:
    report = annual_report(current_region(), year)
    if report is None:
        raise Http404(_("Voor dit jaar zijn er geen cijfers."))
    return report


def report(request: HttpRequest, year: int) -> HttpResponse:
    return render(request, "monitor/report.html", {"report": _report(year)})


def report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    """The report as PDF/UA-1, each chart drawn on the server as SVG beside its table."""
    report = _report(year)
    draw_charts(report)
    pdf = render_pdf(request, "monitor/report_pdf.html", {"report": report})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="monitor-{report.region.slug}-{report.year}.pdf"'
    )
    return response
