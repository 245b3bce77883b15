"""Public pages of the execution agenda, and the forms of those who keep it."""

import datetime
from dataclasses import dataclass
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.agenda import exports
from regioagenda.agenda.editing import create_action, update_action
from regioagenda.agenda.forms import (
    ActionForm,
    OverviewFilter,
    ProgressForm,
    ReportPeriodForm,
    StatusForm,
)
from regioagenda.agenda.models import Action, ActionQuerySet, Milestone, StatusChange
from regioagenda.agenda.progress import (
    ProgressCalculator,
    attach_progress,
    can_report_for,
    record_progress,
)
from regioagenda.agenda.report import progress_report
from regioagenda.agenda.status import change_status
from regioagenda.audit.records import record
from regioagenda.core.concurrency import EditConflict
from regioagenda.core.pdf import render_pdf
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme, Topic

ACTIONS_PER_PAGE = 50


def overview(request: HttpRequest) -> HttpResponse:
    region = current_region()
    actions, chosen = _filtered(request, region)
    ordered = actions.for_listing().order_by(F("priority").asc(nulls_last=True), "title", "pk")
    page = Paginator(ordered, ACTIONS_PER_PAGE).get_page(request.GET.get("pagina"))
    rows = attach_progress(list(page.object_list), region.pk)
    return render(
        request,
        "agenda/overview.html",
        {
            "actions": rows,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "chosen": chosen,
            "themes": Theme.objects.in_region(region),
            "municipalities": Municipality.objects.in_region(region),
            "statuses": Action.Status.choices,
            "can_add": request.user.has_perm("agenda.add_action"),
            "export_query": _filter_query(chosen),
        },
    )


def _filtered(request: HttpRequest, region: Region) -> tuple[ActionQuerySet, dict[str, Any]]:
    """The region's actions narrowed by the overview's filters (also used by the exports)."""
    filters = OverviewFilter(request.GET or None)
    actions = Action.objects.in_region(region)
    chosen: dict[str, Any] = {}
    if filters.is_valid():
        data = filters.cleaned_data
        if data["thema"]:
            chosen["theme"] = get_object_or_404(Theme.objects.in_region(region), slug=data["thema"])
            actions = actions.for_theme(chosen["theme"])
        if data["onderwerp"]:
            chosen["topic"] = get_object_or_404(
                Topic.objects.in_region(region), slug=data["onderwerp"]
            )
            actions = actions.filter(topic=chosen["topic"])
        if data["gemeente"]:
            chosen["municipality"] = get_object_or_404(
                Municipality.objects.in_region(region), slug=data["gemeente"]
            )
            actions = actions.for_municipality(chosen["municipality"])
        if data["status"]:
            chosen["status"] = Action.Status(data["status"])
            actions = actions.filter(status=data["status"])
    return actions, chosen


def _filter_query(chosen: dict[str, Any]) -> str:
    """The chosen filters as a query string, so that the exports list what the overview shows."""
    query = QueryDict(mutable=True)
    for name, key in (("thema", "theme"), ("onderwerp", "topic"), ("gemeente", "municipality")):
        if key in chosen:
            query[name] = chosen[key].slug
    if "status" in chosen:
        query["status"] = chosen["status"].value
    return query.urlencode()


@dataclass
class StuckReason:
    action: Action
    no_update_since: datetime.date | None
    never_updated: bool
    overdue: list[Milestone]


def stuck(request: HttpRequest) -> HttpResponse:
    region = current_region()
    try:
        months = max(1, min(36, int(request.GET.get("maanden", 3))))
    except ValueError:
        months = 3
    today = timezone.localdate()
    since = today - datetime.timedelta(days=round(months * 30.44))
    actions = Action.objects.in_region(region).stuck(months=months, today=today).for_listing()
    actions = actions.prefetch_related(
        Prefetch(
            "milestones",
            queryset=Milestone.objects.filter(achieved_on__isnull=True, planned_on__lt=today),
            to_attr="overdue_milestones",
        )
    )
    reasons = []
    for action in actions:
        last = getattr(action, "last_update_on", None)
        reasons.append(
            StuckReason(
                action=action,
                no_update_since=last if last and last < since else None,
                never_updated=last is None,
                overdue=getattr(action, "overdue_milestones", []),
            )
        )
    return render(
        request, "agenda/stuck.html", {"reasons": reasons, "months": months, "since": since}
    )


@dataclass
class TimelineEntry:
    on: datetime.date
    action: Action
    what: str
    state: str  # "done", "overdue", "planned"


def timeline(request: HttpRequest) -> HttpResponse:
    region = current_region()
    today = timezone.localdate()
    milestones = Milestone.objects.filter(action__region=region).select_related("action")
    entries = []
    for milestone in milestones:
        if milestone.achieved_on:
            state, on = "done", milestone.achieved_on
        elif milestone.planned_on < today:
            state, on = "overdue", milestone.planned_on
        else:
            state, on = "planned", milestone.planned_on
        entries.append(TimelineEntry(on, milestone.action, milestone.title, state))
    # The actions themselves: when they started and when they were finished or stopped.
    moves = StatusChange.objects.filter(
        action__region=region,
        to_status__in=[Action.Status.IN_PROGRESS, Action.Status.DONE, Action.Status.STOPPED],
    ).select_related("action")
    for move in moves:
        entries.append(
            TimelineEntry(
                move.changed_on, move.action, move.get_to_status_display(), move.to_status
            )
        )
    entries.sort(key=lambda entry: (entry.on, entry.action.title))
    years: dict[int, list[TimelineEntry]] = {}
    for entry in entries:
        years.setdefault(entry.on.year, []).append(entry)
    return render(request, "agenda/timeline.html", {"years": years, "today": today})


@dataclass
class HistoryEvent:
    on: datetime.date
    kind: str
    title: str
    text: str = ""
    who: str = ""
    url: str = ""


def history_of(action: Action) -> list[HistoryEvent]:
    """Proposal → decision → progress: every dated event of the action, oldest first."""
    events = []
    for change in action.status_changes.select_related("changed_by"):
        title = (
            _("Status: %(status)s") % {"status": Action.Status(change.to_status).label}
            if change.from_status
            else _("Voorgesteld als %(status)s") % {"status": Action.Status(change.to_status).label}
        )
        who = (
            change.changed_by.get_full_name() or change.changed_by.username
            if change.changed_by
            else ""
        )
        events.append(HistoryEvent(change.changed_on, "status", title, change.reason, who))
    for update in action.progress_updates.select_related("author", "municipality"):
        events.append(
            HistoryEvent(
                update.reported_on,
                "progress",
                _("Voortgang: %(percent)s%%") % {"percent": update.percent},
                update.text,
                f"{update.author.get_full_name() or update.author.username} "
                f"({update.municipality.name})",
            )
        )
    for milestone in action.milestones.all():
        if milestone.achieved_on:
            events.append(
                HistoryEvent(
                    milestone.achieved_on,
                    "milestone",
                    _("Mijlpaal gehaald: %(title)s") % {"title": milestone.title},
                )
            )
    for link in action.links.all():
        if link.dated:
            events.append(HistoryEvent(link.dated, link.kind, link.title, url=link.url))
    events.sort(key=lambda event: event.on)
    return events


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = current_region()
    action = get_object_or_404(
        Action.objects.in_region(region)
        .select_related("lead", "topic__theme", "agreement", "parent")
        # The milestones are listed and read again by the history.
        .prefetch_related("participants", "partners", "links", "milestones"),
        pk=pk,
    )
    calculator = ProgressCalculator(region_id=region.pk, only=[action.pk])
    progress = calculator.of(action.pk)
    children = list(action.children.select_related("lead"))
    for child in children:
        child.progress = calculator.of(child.pk)  # type: ignore[attr-defined]
    budget = list(action.budget_lines.select_related("municipality"))
    years = sorted({line.year for line in budget})
    today = timezone.localdate()
    milestones = list(action.milestones.all())
    for milestone in milestones:
        milestone.overdue = milestone.is_overdue(today)  # type: ignore[attr-defined]
    user = request.user
    return render(
        request,
        "agenda/action_detail.html",
        {
            "action": action,
            "progress": progress,
            "children": children,
            "milestones": milestones,
            "budget": budget,
            "budget_years": [
                {"year": year, "total": sum(line.amount for line in budget if line.year == year)}
                for year in years
            ],
            "budget_total": sum(line.amount for line in budget),
            "events": history_of(action),
            "can_edit": rules.test_rule("agenda.change_action", user, action),
            # Set by prioritisation when a round's outcome was adopted (reverse relation).
            "adopted": action.adopted_priorities.select_related("round")  # type: ignore[attr-defined]
            .order_by("-round__adopted_at")
            .first(),
            "can_report": bool(user.is_authenticated and can_report_for(user, action)),
        },
    )


@login_required
def action_create(request: HttpRequest) -> HttpResponse:
    region = current_region()
    if not request.user.has_perm("agenda.add_action"):
        raise PermissionDenied
    form = ActionForm(request.POST or None, region=region, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            action = create_action(
                region,
                by=request.user,
                values=form.cleaned_data,
                participants=list(form.cleaned_data["participants"]),
                partners=list(form.cleaned_data["partners"]),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De actie is aangemaakt."))
            return redirect(action.get_absolute_url())
    return render(request, "agenda/action_form.html", {"form": form, "action": None})


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = current_region()
    action = get_object_or_404(Action.objects.in_region(region), pk=pk)
    if not rules.test_rule("agenda.change_action", request.user, action):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = ActionForm(
            request.POST, instance=Action.objects.get(pk=pk), region=region, user=request.user
        )
        if form.is_valid():
            try:
                update_action(
                    action,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    values=form.cleaned_data,
                    participants=list(form.cleaned_data["participants"]),
                    partners=list(form.cleaned_data["partners"]),
                )
            except EditConflict as exc:
                conflict = exc
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(action.get_absolute_url())
    else:
        form = ActionForm(
            instance=action, region=region, user=request.user, initial={"version": action.version}
        )
    rows = []
    if conflict:
        rows = [
            {
                "label": form.fields[name].label,
                "stored": getattr(conflict.current, name),
                "submitted": form.cleaned_data[name],
            }
            for name in conflict.changed_fields
        ]
    return render(
        request,
        "agenda/action_form.html",
        {"form": form, "action": action, "conflict": conflict, "conflict_rows": rows},
        status=409 if conflict else 200,
    )


@login_required
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.in_region(current_region()), pk=pk)
    if not rules.test_rule("agenda.change_action", request.user, action):
        raise PermissionDenied
    form = StatusForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            change_status(
                action,
                to=form.cleaned_data["to"],
                by=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error, {"on": "on", "to": "to", "reason": "reason"})
        else:
            messages.success(request, _("De status is gewijzigd."))
            return redirect(action.get_absolute_url())
    return render(request, "agenda/action_status.html", {"form": form, "action": action})


@login_required
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.in_region(current_region()), pk=pk)
    municipalities = can_report_for(request.user, action)
    if not municipalities:
        raise PermissionDenied
    form = ProgressForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            record_progress(action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De voortgang is vastgelegd."))
            return redirect(action.get_absolute_url())
    return render(request, "agenda/action_progress.html", {"form": form, "action": action})


def _add_errors(form: Any, error: ValidationError, names: dict[str, str] | None = None) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = (names or {}).get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _period_form(request: HttpRequest) -> ReportPeriodForm:
    # Without a choice: this year so far.
    today = timezone.localdate()
    return ReportPeriodForm(
        {
            "van": request.GET.get("van") or today.replace(month=1, day=1).isoformat(),
            "tot": request.GET.get("tot") or today.isoformat(),
        }
    )


def report(request: HttpRequest) -> HttpResponse:
    """The progress report over a chosen period, as a page with links to its PDF."""
    region = current_region()
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "agenda/report.html", {"form": form}, status=400)
    period = form.cleaned_data["period"]
    return render(
        request,
        "agenda/report.html",
        {
            "form": form,
            "report": progress_report(region, period.start, period.end),
            "period_query": f"van={period.start.isoformat()}&tot={period.end.isoformat()}",
        },
    )


def report_pdf(request: HttpRequest) -> HttpResponse:
    """The same report as a tagged PDF (PDF/UA-1) to download."""
    region = current_region()
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "agenda/report.html", {"form": form}, status=400)
    period = form.cleaned_data["period"]
    pdf = render_pdf(
        request,
        "agenda/report_pdf.html",
        {"report": progress_report(region, period.start, period.end)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="voortgangsrapportage-{period.start}-{period.end}.pdf"'
    )
    return response


def export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The region's actions with their budget lines, filtered like the overview, as a file."""
    region = current_region()
    actions, _chosen = _filtered(request, region)
    rows = exports.action_rows(actions, region=region, absolute_url=request.build_absolute_uri)
    content_type, write = exports.FORMATS[file_format]
    response = HttpResponse(write(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="acties.{file_format}"'
    # Staff exports are audited; anonymous downloads of public data are not, so that no
    # visitor's address is kept for reading open data.
    if request.user.is_authenticated:
        record("export", request=request, obj=region, detail={"format": file_format})
    return response
