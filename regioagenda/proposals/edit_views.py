"""The editors' pages: register and edit a proposal, add its documents, fill in and submit its
regional check.

Only those who may write the proposal's check (`proposals.write_check`: the municipality's
editors, the region's coordinator, administrators) reach these pages. Nothing here writes the
check's models itself: `checks.draft_for`, `checks.save_draft` and `checks.submit` do, and
documents go through `documents.store_document`. Suggestions are shown, and on a new draft
ticked, but only stored when the editor saves; nothing is published automatically.
"""

from dataclasses import dataclass
from typing import Any, cast

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.proposals import checks
from regioagenda.proposals.documents import DocumentRefused, store_document
from regioagenda.proposals.forms import (
    REGIONAL_VALUES,
    CheckChoices,
    CheckForm,
    DigestForm,
    LinkFormSet,
    Place,
    ProposalForm,
    UploadForm,
    initial_from,
    writable_municipalities,
)
from regioagenda.proposals.models import DigestSubscription, ImpactCheck, Proposal
from regioagenda.proposals.paragraph import paragraph_lines
from regioagenda.proposals.related import related_proposals, text_of
from regioagenda.proposals.suggestions import Suggestion, Suggestions, cached_suggest
from regioagenda.regions.current import current_region

NEW_REVISION = "nieuwe-herziening"


def _writable(request: HttpRequest, pk: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("municipality__region"), pk=pk)
    if not rules.test_rule("proposals.write_check", request.user, proposal):
        raise PermissionDenied
    return proposal


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _shown(model: Any, name: str, value: Any) -> Any:
    """A stored or entered value as the conflict table shows it: choices by their label."""
    if name == "regional":
        value = REGIONAL_VALUES.get(value, value) if isinstance(value, str) else value
        return {True: _("ja"), False: _("nee"), None: _("nog niet bepaald")}[value]
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    try:
        choices = dict(model._meta.get_field(name).flatchoices)
    except Exception:  # a form-only field
        choices = {}
    return choices.get(value, value) if choices else value


# -- the proposal ------------------------------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    municipalities = writable_municipalities(request.user, current_region())
    if not municipalities:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(data, municipalities=municipalities)
    links = LinkFormSet(data, instance=Proposal(), prefix="links")
    if data is not None and form.is_valid() and links.is_valid():
        with transaction.atomic():
            proposal = form.save(commit=False)
            proposal.created_by = request.user
            proposal.save()
            links.instance = proposal
            links.save()
        messages.success(
            request,
            _("Het voorstel is vastgelegd. Vul nu de regionale toets in of voeg een document toe."),
        )
        return redirect("proposals:check", pk=proposal.pk)
    return render(
        request,
        "proposals/proposal_form.html",
        {"form": form, "links": links, "proposal": None},
        status=400 if form.errors or links.total_error_count() else 200,
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _writable(request, pk)
    municipalities = writable_municipalities(request.user, proposal.municipality.region)
    if proposal.municipality not in municipalities:
        municipalities.insert(0, proposal.municipality)
    conflict: EditConflict | None = None
    if request.method == "POST":
        # A fresh copy: validating a ModelForm writes into its instance.
        form = ProposalForm(
            request.POST, instance=Proposal.objects.get(pk=pk), municipalities=municipalities
        )
        links = LinkFormSet(request.POST, instance=proposal, prefix="links")
        if form.is_valid() and links.is_valid():
            try:
                with transaction.atomic():
                    saved = save_with_version_check(
                        proposal,
                        # Without a version the editor's starting point is unknown: a conflict.
                        expected_version=form.cleaned_data["version"] or 0,
                        changes={
                            name: form.cleaned_data[name] for name in ProposalForm.Meta.fields
                        },
                    )
                    links.instance = cast(Proposal, saved)
                    links.save()
            except EditConflict as exc:
                conflict = exc
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(proposal.get_absolute_url())
    else:
        form = ProposalForm(
            instance=proposal, municipalities=municipalities, initial={"version": proposal.version}
        )
        links = LinkFormSet(instance=proposal, prefix="links")
    rows = []
    if conflict is not None:
        rows = [
            {
                "label": form.fields[name].label,
                "stored": _shown(Proposal, name, getattr(conflict.current, name)),
                "submitted": _shown(Proposal, name, form.cleaned_data[name]),
            }
            for name in conflict.changed_fields
        ]
    status = 409 if conflict else 400 if form.errors or links.total_error_count() else 200
    return render(
        request,
        "proposals/proposal_form.html",
        {
            "form": form,
            "links": links,
            "proposal": proposal,
            "conflict": conflict,
            "conflict_rows": rows,
        },
        status=status,
    )


@login_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _writable(request, pk)
    posted = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if posted else UploadForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                document = store_document(proposal, file, name=file.name, by=request.user)
            except DocumentRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                messages.success(request, _("„%(name)s” is toegevoegd.") % {"name": document.name})
                if document.note:
                    messages.warning(request, document.note)
                return redirect("proposals:upload", pk=proposal.pk)
        status = 400
    return render(
        request,
        "proposals/upload.html",
        {"proposal": proposal, "form": form, "documents": proposal.documents.all()},
        status=status,
    )


# -- the check ---------------------------------------------------------------------------------


@dataclass
class Option:
    """One checkbox of the check form, with the suggestion behind it if there is one."""

    value: str
    label: str
    checked: bool
    reasons: tuple[str, ...] = ()
    suggested: bool = False
    outside: bool = False
    effect: BoundField | None = None
    explanation: BoundField | None = None


def _chosen(form: CheckForm, name: str) -> set[str]:
    if form.is_bound:
        return set(cast(QueryDict, form.data).getlist(name))
    return {str(value) for value in form.initial.get(name, [])}


def _options(
    form: CheckForm, name: str, items: list[tuple[Any, str]], suggested: dict[str, Suggestion]
) -> list[Option]:
    chosen = _chosen(form, name)
    options = []
    for value, label in items:
        hint = suggested.get(str(value))
        options.append(
            Option(
                value=str(value),
                label=label,
                checked=str(value) in chosen,
                reasons=hint.reasons if hint else (),
                suggested=hint is not None,
            )
        )
    return options


@dataclass
class Suggested:
    """The suggestions keyed as the form's values are: primary keys and CBS codes."""

    themes: dict[str, Suggestion]
    topics: dict[str, Suggestion]
    bodies: dict[str, Suggestion]
    places: dict[str, Suggestion]
    found: Suggestions | None

    @classmethod
    def of(cls, found: Suggestions | None, choices: CheckChoices) -> "Suggested":
        if found is None:
            return cls({}, {}, {}, {}, None)

        def by_slug(items: list[Suggestion], rows: Any) -> dict[str, Suggestion]:
            slugs = {s.key: s for s in items}
            return {str(row.pk): slugs[row.slug] for row in rows if row.slug in slugs}

        return cls(
            themes=by_slug(found.themes, choices.themes),
            topics=by_slug(found.topics, choices.topics),
            bodies=by_slug(found.bodies, choices.joint_bodies),
            places={s.key: s for s in found.municipalities},
            found=found,
        )

    def ticked(self, initial: dict[str, Any]) -> dict[str, Any]:
        """The initial values of an empty draft with every suggestion ticked."""
        ticked = dict(initial)
        ticked["themes"] = list(self.themes)
        ticked["topics"] = list(self.topics)
        ticked["joint_bodies"] = list(self.bodies)
        ticked["affected"] = list(self.places)
        if self.found is not None:
            ticked["regional"] = "ja" if self.found.regional.value else "nee"
        return ticked


def _suggestions(proposal: Proposal) -> Suggestions | None:
    text = text_of(proposal)
    if not text.strip():
        return None
    return cached_suggest(
        text, region=proposal.municipality.region, municipality=proposal.municipality
    )


def _as_data(initial: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in initial.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def _check_form(
    proposal: Proposal,
    draft: ImpactCheck,
    data: QueryDict | None,
    found: Suggestions | None,
) -> tuple[CheckForm, Suggested, bool]:
    """The form for the draft; an empty draft starts with the suggestions ticked."""
    answers = checks.CheckAnswers.of(draft)
    # A municipality named before or suggested now stays choosable even when the gazetteer
    # does not list it as a neighbour.
    extra = [Place(a.code, a.name, outside=True) for a in answers.affected]
    extra += [Place(s.key, s.name, outside=True) for s in (found.municipalities if found else [])]
    choices = CheckChoices.for_proposal(proposal, extra_places=extra)
    suggested = Suggested.of(found, choices)
    initial = initial_from(answers, draft.version)
    prefilled = (
        data is None
        and found is not None
        and draft.version == 1
        and (answers == checks.CheckAnswers())
    )
    if prefilled:
        initial = suggested.ticked(initial)
    return CheckForm(data, initial=initial, choices=choices), suggested, prefilled


def _render_check(
    request: HttpRequest,
    proposal: Proposal,
    draft: ImpactCheck,
    *,
    data: QueryDict | None = None,
    errors: ValidationError | None = None,
    conflict: EditConflict | None = None,
    found: Suggestions | None = None,
) -> HttpResponse:
    found = found or _suggestions(proposal)
    form, suggested, prefilled = _check_form(proposal, draft, data, found)
    if data is not None:
        form.is_valid()
    if errors is not None:
        _add_errors(form, errors)
    choices = form.choices
    places = _options(
        form, "affected", [(p.code, p.name) for p in choices.places], suggested.places
    )
    for option, place in zip(places, choices.places, strict=True):
        option.outside = place.outside
        option.effect = form[f"effect_{place.code}"]
        option.explanation = form[f"explanation_{place.code}"]
    topics = _options(form, "topics", [(t.pk, t.title) for t in choices.topics], suggested.topics)
    topic_groups = []
    for theme in choices.themes:
        group = [
            option
            for option, topic in zip(topics, choices.topics, strict=True)
            if topic.theme_id == theme.pk
        ]
        if group:
            topic_groups.append((theme, group))
    rows = []
    if conflict is not None:
        for name in conflict.changed_fields:
            field = form.fields.get(name)
            model_field = ImpactCheck._meta.get_field(name)
            label = field.label if field else getattr(model_field, "verbose_name", name)
            submitted = form.cleaned_data.get(name) if field and form.is_bound else None
            rows.append(
                {
                    "label": label,
                    "stored": _shown(ImpactCheck, name, getattr(conflict.current, name)),
                    "submitted": _shown(ImpactCheck, name, submitted),
                }
            )
    status = 409 if conflict else 400 if form.errors else 200
    return render(
        request,
        "proposals/check_form.html",
        {
            "proposal": proposal,
            "check": draft,
            "form": form,
            "prefilled": prefilled,
            "suggestions": suggested.found,
            "themes": _options(
                form, "themes", [(t.pk, t.title) for t in choices.themes], suggested.themes
            ),
            "topic_groups": topic_groups,
            "places": [o for o in places if not o.outside],
            "neighbours": [o for o in places if o.outside],
            # Folded away unless one is chosen: most proposals stay within the region.
            "neighbours_open": any(o.checked for o in places if o.outside),
            "bodies": _options(
                form,
                "joint_bodies",
                [(b.pk, b.name) for b in choices.joint_bodies],
                suggested.bodies,
            ),
            "actions": _options(form, "actions", [(a.pk, a.title) for a in choices.actions], {}),
            "coordinate_with": _options(
                form, "coordinate_with", [(m.pk, m.name) for m in choices.others], {}
            ),
            "related": related_proposals(proposal),
            "documents": proposal.documents.all(),
            "conflict": conflict,
            "conflict_rows": rows,
        },
        status=status,
    )


def _render_submitted(request: HttpRequest, proposal: Proposal, check: ImpactCheck) -> HttpResponse:
    return render(
        request,
        "proposals/check_form.html",
        {
            "proposal": proposal,
            "check": check,
            "read_only": True,
            "lines": paragraph_lines(check),
            "answers": checks.CheckAnswers.of(check),
            "related": related_proposals(proposal),
        },
    )


def _open_draft(proposal: Proposal) -> ImpactCheck | None:
    return proposal.checks.filter(state=ImpactCheck.State.DRAFT).first()


@login_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _writable(request, pk)
    draft = _open_draft(proposal)
    if request.method == "POST":
        if request.POST.get("actie") == NEW_REVISION:
            checks.draft_for(proposal, by=request.user)
            messages.success(request, _("Een nieuwe herziening van de toets is geopend."))
            return redirect("proposals:check", pk=proposal.pk)
        if draft is None:
            messages.error(
                request, _("Deze toets is intussen ingediend; begin een nieuwe herziening.")
            )
            return redirect("proposals:check", pk=proposal.pk)
        found = _suggestions(proposal)
        form, _suggested, _prefilled = _check_form(proposal, draft, request.POST, found)
        if not form.is_valid():
            return _render_check(request, proposal, draft, data=request.POST, found=found)
        try:
            checks.save_draft(
                draft, form.answers(), version=form.cleaned_data["version"], by=request.user
            )
        except EditConflict as exc:
            return _render_check(
                request, proposal, draft, data=request.POST, conflict=exc, found=found
            )
        except ValidationError as error:
            return _render_check(
                request, proposal, draft, data=request.POST, errors=error, found=found
            )
        messages.success(request, _("De toets is opgeslagen als concept."))
        return redirect(reverse("proposals:check", kwargs={"pk": proposal.pk}) + "#indienen")
    if draft is None:
        current = checks.current_check(proposal)
        if current is not None:
            return _render_submitted(request, proposal, current)
        draft = checks.draft_for(proposal, by=request.user)
    return _render_check(request, proposal, draft)


@require_POST
@login_required
def submit_check(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _writable(request, pk)
    draft = _open_draft(proposal)
    if draft is None:
        messages.error(request, _("Er is geen concept van de toets om in te dienen."))
        return redirect("proposals:check", pk=proposal.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        checks.submit(draft, version=version, by=request.user)
    except EditConflict as exc:
        if isinstance(exc.current, ImpactCheck) and exc.current.is_submitted:
            messages.error(request, _("Deze toets was intussen al ingediend."))
            return redirect("proposals:check", pk=proposal.pk)
        stored = initial_from(checks.CheckAnswers.of(draft), draft.version)
        return _render_check(request, proposal, draft, data=_as_data(stored), conflict=exc)
    except ValidationError as error:
        stored = initial_from(checks.CheckAnswers.of(draft), draft.version)
        return _render_check(request, proposal, draft, data=_as_data(stored), errors=error)
    messages.success(request, _("De regionale toets is ingediend."))
    return redirect(proposal.get_absolute_url())


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    """Staff choose whether to receive the digest of new checks, and on which themes."""
    if not request.user.is_staff:
        raise PermissionDenied
    region = current_region()
    subscription = DigestSubscription.objects.filter(user=request.user, region=region).first()
    form = DigestForm(
        request.POST if request.method == "POST" else None,
        region=region,
        initial={
            "subscribed": subscription is not None,
            "themes": list(subscription.themes.all()) if subscription else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["subscribed"]:
            subscription, _created = DigestSubscription.objects.get_or_create(
                user=request.user, region=region
            )
            subscription.themes.set(form.cleaned_data["themes"])
            messages.success(request, _("U ontvangt de samenvatting per e-mail."))
        else:
            DigestSubscription.objects.filter(user=request.user, region=region).delete()
            messages.success(request, _("U ontvangt de samenvatting niet meer."))
        return redirect("proposals:digest")
    return render(
        request,
        "proposals/digest.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
