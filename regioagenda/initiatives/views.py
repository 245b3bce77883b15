"""Initiatives on the site: submit one, read the published ones, and moderate them."""

import uuid
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from regioagenda.competences.lookup import Where, who_decides
from regioagenda.core.concurrency import EditConflict
from regioagenda.initiatives import submission
from regioagenda.initiatives.forms import (
    EventForm,
    InitiativeForm,
    ListFilter,
    PublishForm,
    RejectForm,
)
from regioagenda.initiatives.models import PUBLIC_STATUSES, Initiative, Status
from regioagenda.initiatives.moderation import publish_initiative, record_event, reject_initiative
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme

PER_PAGE = 25
SUBMITTED_KEY = "initiatives_submitted"


def _may_moderate(request: HttpRequest, obj: Any) -> bool:
    return rules.test_rule("initiatives.moderate_initiative", request.user, obj)


def initiative_list(request: HttpRequest) -> HttpResponse:
    region = current_region()
    filters = ListFilter(request.GET or None)
    initiatives = (
        Initiative.objects.public()
        .filter(region=region)
        .select_related("municipality", "place", "topic", "domain")
        .order_by("-published_at", "-pk")
    )
    chosen: dict[str, Any] = {}
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            chosen["status"] = data["status"]
            initiatives = initiatives.filter(status=data["status"])
        if data["gemeente"]:
            chosen["municipality"] = get_object_or_404(
                Municipality.objects.in_region(region), slug=data["gemeente"]
            )
            initiatives = initiatives.filter(municipality=chosen["municipality"])
        if data["thema"]:
            chosen["theme"] = get_object_or_404(Theme.objects.in_region(region), slug=data["thema"])
            initiatives = initiatives.filter(
                Q(topic__theme=chosen["theme"]) | Q(domain__themes=chosen["theme"])
            ).distinct()
    page = Paginator(initiatives, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "page": page,
            "initiatives": page.object_list,
            "chosen": chosen,
            "statuses": [(s.value, s.label) for s in PUBLIC_STATUSES],
            "municipalities": Municipality.objects.in_region(region),
            "themes": Theme.objects.in_region(region),
            "may_moderate": _may_moderate(request, region),
        },
    )


def submit(request: HttpRequest) -> HttpResponse:
    region = current_region()
    form = InitiativeForm(request.POST or None, region=region)
    status = 200
    if request.method == "POST":
        guards = [
            submission.stamp_problem(request.POST.get(submission.FORM_STAMP, "")),
            submission.honeypot_problem(request.POST.get(submission.HONEYPOT, "")),
        ]
        valid = form.is_valid()
        for problem in filter(None, guards):
            form.add_error(None, problem)
        if valid and not any(guards):
            try:
                initiative = submission.submit_initiative(
                    region, form.as_submission(), address=submission.client_address(request)
                )
            except ValidationError as error:
                _add_errors(form, error)
            except submission.TooManySubmissions as refusal:
                form.add_error(None, refusal.message)
                status = 429
            else:
                request.session[SUBMITTED_KEY] = str(initiative.reference)
                return redirect("initiatives:thanks")
    return render(
        request,
        "initiatives/submit.html",
        {
            "form": form,
            "stamp": submission.form_stamp(),
            "stamp_name": submission.FORM_STAMP,
            "honeypot_name": submission.HONEYPOT,
        },
        status=status,
    )


def thanks(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SUBMITTED_KEY)
    if not reference:
        return redirect("initiatives:submit")
    return render(request, "initiatives/thanks.html", {"reference": reference})


def _initiative(reference: uuid.UUID) -> Initiative:
    return get_object_or_404(
        Initiative.objects.filter(region=current_region()).select_related(
            "region", "domain", "municipality", "place", "topic__theme", "action"
        ),
        reference=reference,
    )


def initiative_detail(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    initiative = _initiative(reference)
    may_moderate = _may_moderate(request, initiative)
    if not initiative.is_public and not may_moderate:
        raise Http404
    competences = list(
        initiative.competences.select_related("joint_body", "municipality", "domain")
    )
    answer = None
    if not competences and initiative.domain is not None:
        answer = who_decides(
            initiative.domain, Where(initiative.region, initiative.municipality, initiative.place)
        )
    events = initiative.events.all() if may_moderate else initiative.events.filter(public=True)
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "competences": competences,
            "answer": answer,
            "events": list(events.select_related("recorded_by")),
            "may_moderate": may_moderate,
            "may_see_submitter": rules.test_rule(
                "initiatives.see_submitter", request.user, initiative
            ),
        },
    )


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    region = current_region()
    if not _may_moderate(request, region):
        raise PermissionDenied
    waiting = (
        Initiative.objects.filter(region=region, status=Status.SUBMITTED)
        .select_related("domain", "municipality", "place", "topic")
        .order_by("submitted_at")
    )
    return render(request, "initiatives/moderation_queue.html", {"initiatives": waiting})


@login_required
def moderate(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    initiative = _initiative(reference)
    if not _may_moderate(request, initiative):
        raise PermissionDenied
    if initiative.status != Status.SUBMITTED:
        messages.info(request, _("Dit initiatief is al gemodereerd."))
        return redirect(initiative.get_absolute_url())
    choice = request.POST.get("handeling") if request.method == "POST" else None
    publish_form = PublishForm(
        request.POST if choice == "publiceren" else None,
        initiative=initiative,
        prefix="publiceren",
    )
    reject_form = RejectForm(
        request.POST if choice == "afwijzen" else None,
        initial={"version": initiative.version},
        prefix="afwijzen",
    )
    conflict = None
    if choice == "publiceren" and publish_form.is_valid():
        data = publish_form.cleaned_data
        try:
            publish_initiative(
                initiative,
                by=request.user,
                expected_version=data["version"],
                note=data["note"],
                domain=data["domain"],
                topic=data["topic"],
                municipality=data["municipality"],
                place=data["place"],
            )
        except EditConflict as exc:
            conflict = exc
        except ValidationError as error:
            _add_errors(publish_form, error)
        else:
            messages.success(request, _("Het initiatief is gepubliceerd."))
            return redirect(initiative.get_absolute_url())
    elif choice == "afwijzen" and reject_form.is_valid():
        try:
            reject_initiative(
                initiative,
                by=request.user,
                expected_version=reject_form.cleaned_data["version"],
                reason=reject_form.cleaned_data["reason"],
            )
        except EditConflict as exc:
            conflict = exc
        except ValidationError as error:
            _add_errors(reject_form, error, {"note": "reason"})
        else:
            messages.success(request, _("Het initiatief is afgewezen en blijft onzichtbaar."))
            return redirect("initiatives:moderation")
    return render(
        request,
        "initiatives/moderate.html",
        {
            "initiative": initiative,
            "publish_form": publish_form,
            "reject_form": reject_form,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@login_required
def record(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    initiative = _initiative(reference)
    if not _may_moderate(request, initiative):
        raise PermissionDenied
    if not initiative.is_public:
        raise Http404
    form = EventForm(request.POST or None, initiative=initiative)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_event(
                initiative,
                by=request.user,
                expected_version=data["version"],
                status=data["status"],
                on=data["happened_on"],
                note=data["note"],
                action=data["action"],
            )
        except EditConflict as exc:
            conflict = exc
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("De gebeurtenis is vastgelegd."))
            return redirect(initiative.get_absolute_url())
    return render(
        request,
        "initiatives/record.html",
        {"initiative": initiative, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _add_errors(form: Any, error: ValidationError, names: dict[str, str] | None = None) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = (names or {}).get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
