"""Public pages of proposals: the regional overview, a proposal with its check, its regional
paragraph as DOCX or PDF, and the list of proposals that still lack a check.

A concept proposal is shown only to those who keep it (`ProposalQuerySet.visible_to`); of a
check, everyone sees the submitted revisions and only those who may write it see the draft.
"""

from typing import Any

import rules
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify

from regioagenda.audit.records import record
from regioagenda.core.pdf import render_pdf
from regioagenda.proposals.checks import current_check
from regioagenda.proposals.models import ImpactCheck, Proposal, ProposalQuerySet
from regioagenda.proposals.overview import (
    PER_PAGE,
    OverviewFilter,
    attach_current,
    shared_topics,
    with_current_check,
)
from regioagenda.proposals.paragraph import paragraph_docx, paragraph_lines, regional_paragraph
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _visible(request: HttpRequest) -> ProposalQuerySet:
    return Proposal.objects.in_region(current_region()).visible_to(request.user)


def overview(request: HttpRequest) -> HttpResponse:
    region = current_region()
    filters = OverviewFilter(request.GET or None, region=region)
    proposals = filters.narrow(_visible(request))
    topic = filters.chosen("onderwerp")
    # With a topic chosen, the list groups the municipalities' proposals next to each other.
    ordering = ("municipality__name", "-date", "number") if topic else ("-date", "number")
    page = Paginator(with_current_check(proposals).order_by(*ordering), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "proposals/overview.html",
        {
            "filters": filters,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "proposals": attach_current(page.object_list),
            "topic": topic,
            "shared": [] if topic else shared_topics(proposals),
            "feeds": _feeds(filters),
            "query": query.urlencode(),
            "without_check_url": reverse("proposals:without_check"),
        },
    )


def _feeds(filters: OverviewFilter) -> list[tuple[str, str]]:
    """The Atom feeds of what the filters select: (title, url)."""
    feeds = []
    if theme := filters.chosen("thema"):
        feeds.append(
            (
                str(theme.translated_title),
                reverse("proposals:feed_theme", kwargs={"slug": theme.slug}),
            )
        )
    if code := filters.chosen("geraakt"):
        name = dict(filters.fields["geraakt"].choices).get(code, code)  # type: ignore[attr-defined]
        feeds.append((str(name), reverse("proposals:feed_municipality", kwargs={"code": code})))
    if body := filters.chosen("verbonden_partij"):
        feeds.append((body.name, reverse("proposals:feed_body", kwargs={"slug": body.slug})))
    return feeds


def _proposal_for(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(
        _visible(request).select_related("municipality__region", "created_by"),
        pk=pk,
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    may_write = rules.test_rule("proposals.write_check", request.user, proposal)
    # The current check (`checks.current_check`) with what the page shows of it, in one go.
    check = (
        proposal.checks.filter(state=ImpactCheck.State.SUBMITTED)
        .order_by("-revision")
        .select_related("submitted_by")
        .prefetch_related(
            "themes",
            "topics__theme",
            "joint_bodies",
            "actions",
            "coordinate_with",
            "affected__municipality",
        )
        .first()
    )
    if check is not None:
        # The paragraph names the proposal's municipality and region, loaded with it above.
        check.proposal = proposal
    revisions = proposal.checks.select_related("submitted_by").order_by("-revision")
    if not may_write:
        revisions = revisions.filter(state=ImpactCheck.State.SUBMITTED)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "check": check,
            "paragraph": regional_paragraph(check) if check else "",
            "links": list(proposal.links.all()),
            "documents": list(proposal.documents.all()),
            "revisions": list(revisions),
            "may_write": may_write,
            "has_draft": may_write
            and proposal.checks.filter(state=ImpactCheck.State.DRAFT).exists(),
        },
    )


def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A document of a proposal the user may see, as a download. Its type was decided from its
    content when it was uploaded, and it is never shown inline, so a browser cannot be made to
    run it as a page."""
    proposal = _proposal_for(request, pk)
    stored = get_object_or_404(proposal.documents, pk=document_pk)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    record("export", request=request, obj=proposal, detail={"document": stored.pk})
    return FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type=stored.media_type
    )


def paragraph(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    if format not in ("docx", "pdf"):
        raise Http404
    proposal = _proposal_for(request, pk)
    check = current_check(proposal)
    if check is None:
        raise Http404
    stem = slugify(proposal.number) or f"voorstel-{proposal.pk}"
    filename = f"{stem}-regionale-paragraaf.{format}"
    if format == "docx":
        content, media_type = paragraph_docx(check), DOCX
    else:
        content = render_pdf(
            request,
            "proposals/paragraph_pdf.html",
            {"proposal": proposal, "check": check, "text": " ".join(paragraph_lines(check))},
        )
        media_type = "application/pdf"
    record("export", request=request, obj=proposal, detail={"format": format})
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def without_check(request: HttpRequest) -> HttpResponse:
    region = current_region()
    unchecked = _visible(request).without_check().order_by("-date", "number")
    municipalities: list[Any] = list(
        Municipality.objects.in_region(region).prefetch_related(
            Prefetch("proposals", queryset=unchecked, to_attr="unchecked")
        )
    )
    return render(
        request,
        "proposals/without_check.html",
        {
            "municipalities": municipalities,
            "total": sum(len(m.unchecked) for m in municipalities),
        },
    )
