"""Public pages of the register of joint bodies: the list, a body's page, the matrix and the
network picture of municipalities and bodies, and the budget cycle with its forms."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regioagenda.core.concurrency import EditConflict
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality
from regioagenda.registry import budgets
from regioagenda.registry.forms import BudgetRequestForm, BudgetViewForm
from regioagenda.registry.models import (
    MEMBER_ORDER,
    BudgetRequest,
    BudgetView,
    Contribution,
    GoverningBody,
    JointBody,
    LegalForm,
    Participation,
    Representative,
    Source,
)
from regioagenda.registry.network import network_of, network_spec

STATUSES = (("actief", gettext_lazy("actief")), ("beeindigd", gettext_lazy("beëindigd")))


def _participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("municipality").order_by(*MEMBER_ORDER),
    )


def body_list(request: HttpRequest) -> HttpResponse:
    region = current_region()
    municipalities = list(Municipality.objects.in_region(region))
    bodies = JointBody.objects.in_region(region).prefetch_related(_participations())
    chosen: dict[str, object] = {}
    legal_form = request.GET.get("vorm", "")
    if legal_form in LegalForm.values:
        bodies = bodies.filter(legal_form=legal_form)
        chosen["legal_form"] = legal_form
    municipality = next((m for m in municipalities if m.slug == request.GET.get("gemeente")), None)
    if municipality is not None:
        bodies = bodies.with_municipality(municipality)
        chosen["municipality"] = municipality
    status = request.GET.get("status", "")
    if status == "actief":
        bodies = bodies.active()
        chosen["status"] = status
    elif status == "beeindigd":
        bodies = bodies.ended()
        chosen["status"] = status
    return render(
        request,
        "registry/body_list.html",
        {
            "bodies": list(bodies),
            "municipalities": municipalities,
            "legal_forms": LegalForm.choices,
            "statuses": STATUSES,
            "chosen": chosen,
        },
    )


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    body = get_object_or_404(
        JointBody.objects.in_region(region)
        .select_related("lead_municipality")
        .prefetch_related(
            "sources",
            "themes",
            "documents",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("municipality")
                .prefetch_related(
                    Prefetch("contributions", queryset=Contribution.objects.order_by("year"))
                )
                .order_by(*MEMBER_ORDER),
            ),
            Prefetch(
                "budget_requests",
                queryset=BudgetRequest.objects.order_by(
                    "-year", "-sent_on", "-pk"
                ).prefetch_related(
                    Prefetch("views", queryset=BudgetView.objects.select_related("municipality"))
                ),
            ),
            Prefetch(
                "governing_bodies",
                queryset=GoverningBody.objects.prefetch_related(
                    Prefetch(
                        "representatives",
                        queryset=Representative.objects.select_related("municipality"),
                    )
                ),
            ),
        ),
        slug=slug,
    )
    participations = list(body.participations.all())
    contributions = sorted(
        (c for p in participations for c in p.contributions.all()),
        key=lambda c: (c.year, c.participation.member_name),
    )
    return render(
        request,
        "registry/body_detail.html",
        {
            "body": body,
            "participations": participations,
            "contributions": contributions,
            "sources": {
                fact: [s for s in body.sources.all() if s.fact == fact]
                for fact in Source.Fact.values
            },
            "budget_statuses": budgets.requests_for_body(body, timezone.localdate()),
            "may_keep_budgets": budgets.may_keep_budgets(request.user, body),
            "wgr_article_35": budgets.WGR_ARTICLE_35,
        },
    )


@dataclass
class MatrixRow:
    municipality: Municipality
    cells: list[str]


def _cell(participations: list[Participation], today: datetime.date) -> str:
    if not participations:
        return "—"
    if any(p.ended_on is None or p.ended_on > today for p in participations):
        return _("lid")
    last = max(p.ended_on for p in participations if p.ended_on is not None)
    return _("lid tot %(year)s") % {"year": last.year}


def matrix(request: HttpRequest) -> HttpResponse:
    region = current_region()
    today = datetime.date.today()
    bodies = list(
        JointBody.objects.in_region(region)
        .active(today)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(municipality__isnull=False),
            )
        )
    )
    rows = [
        MatrixRow(
            municipality,
            [
                _cell(
                    [p for p in body.participations.all() if p.municipality_id == municipality.pk],
                    today,
                )
                for body in bodies
            ],
        )
        for municipality in Municipality.objects.in_region(region)
    ]
    return render(request, "registry/matrix.html", {"bodies": bodies, "rows": rows})


def network(request: HttpRequest) -> HttpResponse:
    region = current_region()
    facts = network_of(region, timezone.localdate())
    return render(
        request,
        "registry/network.html",
        {"network": facts, "spec": network_spec(facts)},
    )


# The budget cycle ---------------------------------------------------------------------------


def budget_overview(request: HttpRequest) -> HttpResponse:
    region = current_region()
    municipalities = list(Municipality.objects.in_region(region))
    chosen = next((m for m in municipalities if m.slug == request.GET.get("gemeente")), None)
    today = timezone.localdate()
    recorders = budgets.municipalities_recorded_by(request.user, region)
    return render(
        request,
        "registry/budgets.html",
        {
            "overview": budgets.budget_overview(region, today, chosen),
            "municipalities": municipalities,
            "chosen": chosen,
            "today": today,
            "recorders": recorders,
            "may_add": budgets.may_keep_budgets(request.user, JointBody(region=region)),
            "wgr_article_35": budgets.WGR_ARTICLE_35,
        },
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def budget_request_add(request: HttpRequest) -> HttpResponse:
    region = current_region()
    if not budgets.may_keep_budgets(request.user, JointBody(region=region)):
        raise PermissionDenied
    body = JointBody.objects.in_region(region).filter(slug=request.GET.get("partij")).first()
    form = BudgetRequestForm(
        request.POST or None, region=region, initial={"body": body} if body else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            budget_request = budgets.add_budget_request(by=request.user, values=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("De begroting is toegevoegd; zienswijzen uiterlijk op %(date)s.")
                % {"date": _date(budget_request.views_due_on)},
            )
            return redirect(budget_request.body.get_absolute_url() + "#begrotingen")
    return render(
        request,
        "registry/budget_request_form.html",
        {"form": form, "budget_request": None, "wgr_article_35": budgets.WGR_ARTICLE_35},
    )


@login_required
def budget_request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = current_region()
    budget_request = get_object_or_404(
        BudgetRequest.objects.filter(body__region=region).select_related("body"), pk=pk
    )
    if not budgets.may_keep_budgets(request.user, budget_request.body):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = BudgetRequestForm(
            request.POST, instance=BudgetRequest.objects.get(pk=pk), region=region
        )
        if form.is_valid():
            try:
                budgets.change_budget_request(
                    budget_request,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    values=form.cleaned_data,
                )
            except EditConflict as exc:
                conflict = exc
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(budget_request.body.get_absolute_url() + "#begrotingen")
    else:
        form = BudgetRequestForm(
            instance=budget_request, region=region, initial={"version": budget_request.version}
        )
    rows = []
    if conflict:
        rows = [
            {
                "label": form.fields[name].label,
                "stored": getattr(conflict.current, name),
                "submitted": form.cleaned_data.get(name),
            }
            for name in conflict.changed_fields
        ]
    return render(
        request,
        "registry/budget_request_form.html",
        {
            "form": form,
            "budget_request": budget_request,
            "conflict": conflict,
            "conflict_rows": rows,
            "wgr_article_35": budgets.WGR_ARTICLE_35,
        },
        status=409 if conflict else 200,
    )


@login_required
def budget_view_record(request: HttpRequest, pk: int) -> HttpResponse:
    region = current_region()
    budget_request = get_object_or_404(budgets.budget_requests(region), pk=pk)
    allowed = budgets.municipalities_recorded_by(request.user, region)
    if not allowed:
        raise PermissionDenied
    posted = request.POST.get("municipality", "")
    speaks_for = {m.pk for m in allowed}
    if (
        posted.isdigit()
        and int(posted) not in speaks_for
        and Municipality.objects.in_region(region).filter(pk=int(posted)).exists()
    ):
        raise PermissionDenied  # a council of the region this user does not speak for
    chosen = next((m for m in allowed if m.slug == request.GET.get("gemeente")), None)
    existing = (
        next((v for v in budget_request.views.all() if v.municipality_id == chosen.pk), None)
        if chosen
        else None
    )
    form = BudgetViewForm(
        request.POST or None,
        instance=existing,
        municipalities=allowed,
        initial={"municipality": chosen} if chosen else None,
    )
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        try:
            view = budgets.record_budget_view(
                budget_request,
                municipality,
                by=request.user,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as exc:
            conflict = exc
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Het besluit van de raad van %(municipality)s is vastgelegd.")
                % {"municipality": view.municipality.name},
            )
            return redirect(reverse("registry:budgets"))
    rows = []
    if conflict:
        rows = [
            {
                "label": form.fields[name].label,
                "stored": getattr(conflict.current, name),
                "submitted": form.cleaned_data.get(name),
            }
            for name in conflict.changed_fields
        ]
    status = budgets.status_of(budget_request, timezone.localdate())
    return render(
        request,
        "registry/budget_view_form.html",
        {
            "form": form,
            "budget_request": budget_request,
            "status": status,
            "conflict": conflict,
            "conflict_rows": rows,
        },
        status=409 if conflict else 200,
    )


def _date(date: datetime.date) -> str:
    return date_format(date, "j F Y")
