"""Public pages of the regional dossiers, and the form on which a municipality records its
decision."""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from regioagenda.agenda.models import Action
from regioagenda.agenda.progress import attach_progress
from regioagenda.core.concurrency import EditConflict
from regioagenda.dossiers.decisions import documents_differ, record_decision, recordable_by
from regioagenda.dossiers.divergence import divergence
from regioagenda.dossiers.forms import CouncilDecisionForm, document_formset
from regioagenda.dossiers.models import CouncilDecision, DecisionDocument, Dossier
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality


def dossier_list(request: HttpRequest) -> HttpResponse:
    region = current_region()
    dossiers = list(Dossier.objects.in_region(region).for_listing())
    for dossier in dossiers:
        dossier.divergence = divergence(  # type: ignore[attr-defined]
            dossier.municipalities.all(), dossier.decisions.all()
        )
    return render(request, "dossiers/dossier_list.html", {"dossiers": dossiers})


@dataclass
class CouncilRow:
    """A row of the dossier's table: one recorded decision, or a municipality without any."""

    municipality: Municipality
    decision: CouncilDecision | None
    counts: bool  # this is the decision the divergence counts for the municipality
    edit_url: str = ""
    record_links: list[tuple[str, str]] = field(default_factory=list)  # (text, url)


def _council_rows(
    dossier: Dossier, decisions: list[CouncilDecision], counted: set[int], recordable: set[int]
) -> list[CouncilRow]:
    rows = []
    for municipality in dossier.municipalities.all():
        own = sorted(
            (d for d in decisions if d.municipality_id == municipality.pk),
            key=lambda d: CouncilDecision.Body.values.index(d.body),
        )
        may_record = municipality.pk in recordable
        links = []
        if may_record:
            recorded = {d.body for d in own}
            for body, text in (
                (CouncilDecision.Body.COUNCIL, _("Raadsbesluit vastleggen")),
                (CouncilDecision.Body.COLLEGE, _("Collegebesluit vastleggen")),
            ):
                if body not in recorded:
                    url = reverse(
                        "dossiers:record_decision",
                        kwargs={"slug": dossier.slug, "code": municipality.code, "body": body},
                    )
                    links.append((text, url))
        if not own:
            rows.append(CouncilRow(municipality, None, False, record_links=links))
            continue
        for position, decision in enumerate(own):
            rows.append(
                CouncilRow(
                    municipality,
                    decision,
                    decision.pk in counted,
                    edit_url=decision.get_record_url() if may_record else "",
                    record_links=links if position == len(own) - 1 else [],
                )
            )
    return rows


def dossier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    dossier = get_object_or_404(
        Dossier.objects.in_region(region)
        .select_related("topic", "agreement")
        .prefetch_related(
            Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
            Prefetch(
                "decisions",
                queryset=CouncilDecision.objects.select_related("municipality").prefetch_related(
                    Prefetch("documents", queryset=DecisionDocument.objects.order_by("pk"))
                ),
            ),
        ),
        slug=slug,
    )
    decisions = list(dossier.decisions.all())
    actions = attach_progress(
        list(Action.objects.filter(dossiers=dossier).for_listing()), region.pk
    )
    result = divergence(dossier.municipalities.all(), decisions, actions)
    counted = {p.decision.pk for p in result.positions if p.decision is not None}
    user = request.user
    recordable = recordable_by(user, dossier)
    return render(
        request,
        "dossiers/dossier_detail.html",
        {
            "dossier": dossier,
            "divergence": result,
            "rows": _council_rows(dossier, decisions, counted, recordable),
            "can_record": bool(recordable),
            "actions": actions,
            "can_keep": rules.test_rule("dossiers.change_dossier", user, dossier),
        },
    )


def _shown(name: str, value: Any) -> str:
    """A field's value as the conflict table shows it."""
    if value in (None, ""):
        return ""
    if name == "outcome":
        return str(CouncilDecision.Outcome(value).label)
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def _listed(documents: list[DecisionDocument]) -> str:
    return "; ".join(
        f"{capfirst(d.get_kind_display())} “{d.title}”: {d.get_result_display()}" for d in documents
    )


def _conflict_rows(
    form: CouncilDecisionForm, conflict: EditConflict | None, documents: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if conflict is None:
        return []
    current = cast(CouncilDecision, conflict.current)
    rows = [
        {
            "label": form.fields[name].label,
            "stored": _shown(name, getattr(current, name)),
            "submitted": _shown(name, form.cleaned_data[name]),
        }
        for name in conflict.changed_fields
    ]
    differ = documents_differ(current, documents)
    if differ:
        rows.append(
            {
                "label": _("Amendementen en moties"),
                "stored": _listed(differ[0]),
                "submitted": _listed(differ[1]),
            }
        )
    return rows


def _add_errors(form: CouncilDecisionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def record(request: HttpRequest, slug: str, code: str, body: str) -> HttpResponse:
    dossier = get_object_or_404(Dossier.objects.in_region(current_region()), slug=slug)
    if body not in CouncilDecision.Body.values:
        raise Http404(_("Onbekend orgaan."))
    municipality = get_object_or_404(dossier.municipalities.all(), code=code)
    existing = (
        CouncilDecision.objects.filter(dossier=dossier, municipality=municipality, body=body)
        .prefetch_related(Prefetch("documents", queryset=DecisionDocument.objects.order_by("pk")))
        .first()
    )
    decision = existing or CouncilDecision(dossier=dossier, municipality=municipality, body=body)
    if not rules.test_rule("dossiers.record_decision", request.user, decision):
        raise PermissionDenied
    stored = list(existing.documents.all()) if existing else []
    Documents = document_formset(len(stored))
    conflict: EditConflict | None = None
    if request.method == "POST":
        instance = (
            CouncilDecision.objects.get(pk=existing.pk)
            if existing
            else CouncilDecision(dossier=dossier, municipality=municipality, body=body)
        )
        form = CouncilDecisionForm(request.POST, instance=instance)
        documents = Documents(request.POST, prefix="documenten")
        if form.is_valid() and documents.is_valid():
            try:
                record_decision(
                    dossier,
                    municipality=municipality,
                    body=body,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    values=form.cleaned_data,
                    documents=documents.submitted(),
                )
            except EditConflict as exc:
                conflict = exc
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Het besluit van %(name)s is vastgelegd.") % {"name": municipality.name},
                )
                return redirect(dossier.get_absolute_url() + "#besluiten")
    else:
        form = CouncilDecisionForm(
            instance=decision, initial={"version": existing.version if existing else None}
        )
        documents = Documents(
            prefix="documenten",
            initial=[
                {"id": d.pk, "kind": d.kind, "title": d.title, "result": d.result, "url": d.url}
                for d in stored
            ],
        )
    if body == CouncilDecision.Body.COUNCIL:
        heading = _("Besluit van de gemeenteraad van %(name)s") % {"name": municipality.name}
    else:
        heading = _("Besluit van het college van B&W van %(name)s") % {"name": municipality.name}
    return render(
        request,
        "dossiers/decision_form.html",
        {
            "dossier": dossier,
            "municipality": municipality,
            "heading": heading,
            "form": form,
            "documents": documents,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(
                form, conflict, documents.submitted() if conflict else []
            ),
        },
        status=409 if conflict else 200,
    )
