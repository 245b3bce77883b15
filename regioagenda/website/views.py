"""Public pages: the region, its themes and topics, municipalities, and the footer pages."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db.models import F, Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from regioagenda.agenda.models import Action, ActionQuerySet
from regioagenda.agenda.progress import attach_progress
from regioagenda.api.middleware import API_PREFIX
from regioagenda.api.problems import problem_response
from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic
from regioagenda.website.forms import MunicipalityForm

# A theme, topic or municipality of a large region has hundreds or thousands of actions: its page
# shows the first ones, in the execution agenda's order, and links to the agenda, filtered on
# it, for the rest (where they are shown a page at a time).
SHOWN_ACTIONS = 25


def _first_actions(actions: ActionQuerySet) -> tuple[list[Action], bool]:
    """The first actions to show, and whether there are more; `_listed` completes them."""
    ordered = (
        actions.for_listing()
        .prefetch_related(None)
        .order_by(F("priority").asc(nulls_last=True), "title", "pk")
    )
    rows = list(ordered[: SHOWN_ACTIONS + 1])
    return rows[:SHOWN_ACTIONS], len(rows) > SHOWN_ACTIONS


def _listed(actions: list[Action], region: Region) -> list[Action]:
    """Give the actions of one or more lists their participants and progress, in two queries."""
    participants = Prefetch("participants", queryset=Municipality.objects.order_by("name"))
    prefetch_related_objects(actions, participants)
    return attach_progress(actions, region.pk)


def population_overview(region: Region) -> dict[str, Any]:
    """The municipalities with the region's total, marked incomplete where a figure is missing."""
    municipalities = list(region.municipalities.all())
    figures = [m.population for m in municipalities if m.population is not None]
    sources = {
        (m.population_source, m.population_source_url)
        for m in municipalities
        if m.population_source
    }
    return {
        "municipalities": municipalities,
        "population": sum(figures) if figures else None,
        "population_complete": len(figures) == len(municipalities),
        "population_dates": sorted(
            {m.population_date for m in municipalities if m.population_date}
        ),
        "population_sources": [{"name": name, "url": url} for name, url in sorted(sources)],
    }


def home(request: HttpRequest) -> HttpResponse:
    region = current_region()
    return render(
        request,
        "website/home.html",
        {
            **population_overview(region),
            "themes": Theme.objects.in_region(region).aspects().prefetch_related("topics"),
            "governance": Theme.objects.in_region(region).filter(is_governance=True).first(),
        },
    )


def theme_list(request: HttpRequest) -> HttpResponse:
    region = current_region()
    themes = Theme.objects.in_region(region).prefetch_related("topics")
    return render(request, "website/theme_list.html", {"themes": themes})


def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    theme = get_object_or_404(Theme.objects.in_region(region).prefetch_related("topics"), slug=slug)
    actions, more = _first_actions(Action.objects.in_region(region).for_theme(theme))
    return render(
        request,
        "website/theme_detail.html",
        {
            "theme": theme,
            "actions": _listed(actions, region),
            "more_actions": more,
        },
    )


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    topic = get_object_or_404(Topic.objects.in_region(region).select_related("theme"), slug=slug)
    siblings = topic.theme.topics.exclude(pk=topic.pk)
    actions, more = _first_actions(Action.objects.in_region(region).filter(topic=topic))
    return render(
        request,
        "website/topic_detail.html",
        {
            "topic": topic,
            "siblings": siblings,
            "actions": _listed(actions, region),
            "more_actions": more,
        },
    )


def municipality_list(request: HttpRequest) -> HttpResponse:
    return render(request, "website/municipality_list.html", population_overview(current_region()))


def municipality_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    municipality = get_object_or_404(Municipality.objects.in_region(region), slug=slug)
    municipality.region = region  # the region in hand, so that the permission check reads none
    in_region = Action.objects.in_region(region)
    led, more_led = _first_actions(in_region.led_by(municipality))
    joined, more_joined = _first_actions(
        in_region.filter(participants=municipality).exclude(lead=municipality)
    )
    _listed(led + joined, region)
    return render(
        request,
        "website/municipality_detail.html",
        {
            "municipality": municipality,
            "led_actions": led,
            "joined_actions": joined,
            "more_actions": more_led or more_joined,
            "can_edit": request.user.has_perm("regions.change_municipality", municipality),
        },
    )


@login_required
def municipality_edit(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.in_region(current_region()), slug=slug)
    if not request.user.has_perm("regions.change_municipality", municipality):
        raise PermissionDenied
    conflict: EditConflict | None = None
    if request.method == "POST":
        form = MunicipalityForm(request.POST, instance=Municipality.objects.get(pk=municipality.pk))
        if form.is_valid():
            try:
                save_with_version_check(
                    municipality,
                    expected_version=form.cleaned_data["version"],
                    changes={name: form.cleaned_data[name] for name in form.Meta.fields},
                )
            except EditConflict as exc:
                conflict = exc
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(municipality.get_absolute_url())
    else:
        form = MunicipalityForm(instance=municipality, initial={"version": municipality.version})
    status = 409 if conflict else 200
    return render(
        request,
        "website/municipality_edit.html",
        {
            "municipality": municipality,
            "form": form,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(form, conflict),
        },
        status=status,
    )


def _conflict_rows(form: MunicipalityForm, conflict: EditConflict | None) -> list[dict[str, Any]]:
    if conflict is None:
        return []
    return [
        {
            "label": form.fields[name].label,
            "stored": getattr(conflict.current, name),
            "submitted": form.cleaned_data[name],
        }
        for name in conflict.changed_fields
    ]


def qualities(request: HttpRequest) -> HttpResponse:
    region = current_region()
    return render(
        request, "website/qualities.html", {"qualities": Quality.objects.in_region(region)}
    )


def cooperation(request: HttpRequest) -> HttpResponse:
    region = current_region()
    return render(
        request,
        "website/cooperation.html",
        {
            "principles": Principle.objects.in_region(region),
            "agreements": Agreement.objects.in_region(region),
            "governance": Theme.objects.in_region(region)
            .filter(is_governance=True)
            .prefetch_related(Prefetch("topics"))
            .first(),
        },
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "website/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "website/privacy.html")


def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "website/contact.html", {"email": settings.CONTACT_EMAIL})


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: where to report a vulnerability. Expires a year after it is served."""
    expires = (timezone.now() + datetime.timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat()}",
        "Preferred-Languages: nl, en",
        f"Canonical: {settings.SITE_URL.rstrip('/')}/.well-known/security.txt",
        f"Policy: {settings.SITE_URL.rstrip('/')}/.well-known/security-policy.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def security_policy(request: HttpRequest) -> HttpResponse:
    """The repository's SECURITY.md: how to report a vulnerability and what we promise."""
    policy = (settings.BASE_DIR / "SECURITY.md").read_text(encoding="utf-8")
    return HttpResponse(policy, content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django refuses a request with too many files or fields, or one it cannot parse, before
    # a form sees it; say why, in Dutch, rather than a bare "Bad Request".
    if isinstance(exception, TooManyFilesSent):
        reason = _(
            "U stuurde te veel bestanden tegelijk; een formulier neemt er hoogstens %(limit)s. "
            "Voeg ze in delen toe."
        ) % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    elif isinstance(exception, MultiPartParserError):
        # Mostly a file name longer than a file system allows, which no browser sends.
        reason = _(
            "Het formulier met het bestand kon niet worden gelezen. Geef het bestand een "
            "kortere bestandsnaam en probeer het opnieuw."
        )
    elif isinstance(exception, TooManyFieldsSent | RequestDataTooBig):
        reason = _("Het formulier bevat te veel gegevens. Verstuur het in delen.")
    else:
        reason = _("Het verzoek kon niet worden verwerkt. Probeer het opnieuw.")
    if request.path.startswith(API_PREFIX):
        # Refused before the API's middleware saw it (an invalid Host header, say): the API
        # still answers with a problem document.
        response = problem_response(request, 400, reason)
        response["API-Version"] = settings.API_VERSION
        return response
    return render(request, "400.html", {"reason": reason}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the context processors may be what failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
