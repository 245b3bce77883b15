"""The staff pages of a meeting: create and edit it, add and edit its agenda items, add
documents, write the minutes and record agreed follow-ups.

Only those who keep the meeting (`meetings.keep_meeting`: the organising municipality's editors,
the region's coordinator, administrators) reach these pages; others get 403. Every edit of a
meeting or item goes through the version check (`core.concurrency.save_with_version_check`), so
a save based on an outdated page is refused with both versions side by side (409).
"""

import hashlib
from typing import Any, cast

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.core.models import VersionedModel
from regioagenda.meetings.followups import agree_follow_up
from regioagenda.meetings.forms import (
    DocumentForm,
    FollowUpForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
)
from regioagenda.meetings.models import AgendaDocument, AgendaItem, Meeting
from regioagenda.proposals.documents import DocumentRefused, clean_name, extract_text, max_bytes
from regioagenda.regions.current import current_region


def _kept(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.filter(region=current_region()).select_related("region", "organiser"),
        pk=pk,
    )
    if not rules.test_rule("meetings.keep_meeting", request.user, meeting):
        raise PermissionDenied
    return meeting


def _item(meeting: Meeting, item_pk: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    item.meeting = meeting
    return item


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _shown(model: Any, name: str, value: Any) -> Any:
    """A stored or entered value as the conflict table shows it."""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    try:
        choices = dict(model._meta.get_field(name).flatchoices)
    except Exception:  # a form-only field
        choices = {}
    return choices.get(value, value) if choices else value


def _save_versioned(
    instance: VersionedModel,
    form: forms.ModelForm,
    *,
    m2m: tuple[str, ...] = (),
    extra: dict[str, Any] | None = None,
) -> tuple[VersionedModel | None, list[dict[str, Any]] | None]:
    """Save the form's fields if the row is still at the version the editor started from.
    Returns (saved, None), or (None, conflict rows) on a conflict; ValidationError goes to the
    form and returns (None, None)."""
    fields = [name for name in form._meta.fields or () if name not in m2m]
    changes = {name: form.cleaned_data[name] for name in fields}
    try:
        with transaction.atomic():
            saved = save_with_version_check(
                instance,
                # Without a version the editor's starting point is unknown: a conflict.
                expected_version=form.cleaned_data.get("version") or 0,
                changes={**changes, **(extra or {})},
            )
            for name in m2m:
                getattr(saved, name).set(form.cleaned_data[name])
    except EditConflict as conflict:
        model = type(instance)
        rows = [
            {
                "label": form.fields[name].label,
                "stored": _shown(model, name, getattr(conflict.current, name)),
                "submitted": _shown(model, name, changes[name]),
            }
            for name in conflict.changed_fields
            if name in changes
        ]
        data = cast(QueryDict, form.data).copy()
        data["version"] = str(conflict.current.version)
        form.data = data
        return None, rows
    except ValidationError as error:
        _add_errors(form, error)
        return None, None
    return saved, None


# -- the meeting -------------------------------------------------------------------------------


@login_required
def create(request: HttpRequest) -> HttpResponse:
    region = current_region()
    if not rules.test_rule("meetings.add_meeting", request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, region=region, user=request.user, instance=Meeting(region=region))
    if data is not None and form.is_valid():
        with transaction.atomic():
            meeting = form.save(commit=False)
            meeting.region = region
            meeting.created_by = request.user
            meeting.save()
            form.save_m2m()
        messages.success(request, _("De vergadering is vastgelegd. Voeg nu agendapunten toe."))
        return redirect(meeting.get_absolute_url())
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": None},
        status=400 if form.errors else 200,
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _kept(request, pk)
    rows: list[dict[str, Any]] | None = None
    if request.method == "POST":
        # A fresh copy: validating a ModelForm writes into its instance.
        form = MeetingForm(
            request.POST,
            region=meeting.region,
            user=request.user,
            instance=Meeting.objects.get(pk=pk),
        )
        if form.is_valid():
            saved, rows = _save_versioned(
                meeting, form, m2m=MeetingForm.MULTIPLE, extra={"sequence": meeting.sequence + 1}
            )
            if saved is not None:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(meeting.get_absolute_url())
    else:
        form = MeetingForm(
            region=meeting.region,
            user=request.user,
            instance=meeting,
            initial={"version": meeting.version},
        )
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "conflict": rows is not None, "conflict_rows": rows},
        status=409 if rows is not None else 400 if form.errors else 200,
    )


# -- agenda items ------------------------------------------------------------------------------


@login_required
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _kept(request, pk)
    data = request.POST if request.method == "POST" else None
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    form = ItemForm(
        data,
        meeting=meeting,
        user=request.user,
        instance=AgendaItem(meeting=meeting),
        initial={"position": last + 1},
    )
    if data is not None and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.meeting = meeting
            item.save()
            form.save_m2m()
        messages.success(request, _("Het agendapunt is toegevoegd."))
        return redirect(meeting.get_absolute_url())
    return render(
        request,
        "meetings/item_form.html",
        {"form": form, "meeting": meeting, "item": None},
        status=400 if form.errors else 200,
    )


@login_required
def edit_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _kept(request, pk)
    item = _item(meeting, item_pk)
    rows: list[dict[str, Any]] | None = None
    if request.method == "POST":
        form = ItemForm(
            request.POST,
            meeting=meeting,
            user=request.user,
            instance=AgendaItem.objects.get(pk=item.pk),
        )
        if form.is_valid():
            saved, rows = _save_versioned(item, form, m2m=ItemForm.MULTIPLE)
            if saved is not None:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(meeting.get_absolute_url())
    else:
        form = ItemForm(
            meeting=meeting, user=request.user, instance=item, initial={"version": item.version}
        )
    return render(
        request,
        "meetings/item_form.html",
        {
            "form": form,
            "meeting": meeting,
            "item": item,
            "conflict": rows is not None,
            "conflict_rows": rows,
        },
        status=409 if rows is not None else 400 if form.errors else 200,
    )


def _read(upload: Any, name: str) -> bytes:
    limit = max_bytes()
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DocumentRefused(
            _("„%(name)s” is groter dan %(limit)s; voeg een kleiner bestand toe.")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    return bytes(data)


def store_agenda_document(item: AgendaItem, title: str, upload: Any) -> AgendaDocument:
    """Check an upload by its content with the proposals' checks (PDF, DOCX, ODT or text) and
    store it under its SHA-256; DocumentRefused (nothing stored) otherwise."""
    shown = clean_name(getattr(upload, "name", "") or "")
    data = _read(upload, shown)
    extracted = extract_text(data, shown)
    sha256 = hashlib.sha256(data).hexdigest()
    duplicate = _("„%(name)s” hoort al bij dit agendapunt.") % {"name": shown}
    if item.documents.filter(sha256=sha256).exists():
        raise DocumentRefused(duplicate)
    document = AgendaDocument(
        item=item,
        title=title,
        name=shown,
        media_type=extracted.media_type,
        size=len(data),
        sha256=sha256,
    )
    try:
        with transaction.atomic():
            document.file.save(shown, ContentFile(data), save=False)
            document.save()
    except BaseException as error:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        if isinstance(error, IntegrityError):
            raise DocumentRefused(duplicate) from error
        raise
    return document


@login_required
def upload(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _kept(request, pk)
    item = _item(meeting, item_pk)
    posted = request.method == "POST"
    form = DocumentForm(request.POST, request.FILES) if posted else DocumentForm()
    if posted and form.is_valid():
        title = form.cleaned_data["title"]
        try:
            if form.cleaned_data["file"]:
                store_agenda_document(item, title, form.cleaned_data["file"])
            else:
                AgendaDocument.objects.create(item=item, title=title, url=form.cleaned_data["url"])
        except DocumentRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(request, _("„%(title)s” is toegevoegd.") % {"title": title})
            return redirect("meetings:upload", pk=meeting.pk, item_pk=item.pk)
    return render(
        request,
        "meetings/upload.html",
        {"meeting": meeting, "item": item, "form": form, "documents": item.documents.all()},
        status=400 if form.errors else 200,
    )


@login_required
def minutes(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _kept(request, pk)
    item = _item(meeting, item_pk)
    rows: list[dict[str, Any]] | None = None
    if request.method == "POST":
        form = MinutesForm(request.POST, instance=AgendaItem.objects.get(pk=item.pk))
        if form.is_valid():
            saved, rows = _save_versioned(item, form)
            if saved is not None:
                messages.success(request, _("Het verslag is opgeslagen."))
                return redirect(meeting.get_absolute_url() + f"#punt-{item.pk}")
    else:
        form = MinutesForm(instance=item, initial={"version": item.version})
    return render(
        request,
        "meetings/minutes.html",
        {
            "form": form,
            "meeting": meeting,
            "item": item,
            "conflict": rows is not None,
            "conflict_rows": rows,
        },
        status=409 if rows is not None else 400 if form.errors else 200,
    )


@login_required
def follow_up(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _kept(request, pk)
    item = _item(meeting, item_pk)
    data = request.POST if request.method == "POST" else None
    form = FollowUpForm(data, meeting=meeting, user=request.user)
    if data is not None and form.is_valid():
        try:
            agreed = agree_follow_up(item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except PermissionDenied:
            form.add_error("lead", _("U mag deze gemeente niet als trekker van een actie kiezen."))
        else:
            messages.success(
                request,
                _("De actie „%(title)s” staat op de uitvoeringsagenda.")
                % {"title": agreed.action.title},
            )
            return redirect("meetings:follow_up", pk=meeting.pk, item_pk=item.pk)
    follow_ups = item.follow_ups.select_related("action__parent")
    return render(
        request,
        "meetings/follow_up.html",
        {"form": form, "meeting": meeting, "item": item, "follow_ups": follow_ups},
        status=400 if form.errors else 200,
    )
