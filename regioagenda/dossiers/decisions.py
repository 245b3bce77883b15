"""Recording a council's decision on a dossier: the one write path for the site form and the API.

A decision is recorded per municipality and body (council or college), with the amendments and
motions that were put to the vote. An update is based on the version the editor saw: a decision
that someone else changed in between is not overwritten (`EditConflict`).
"""

from collections.abc import Mapping, Sequence
from typing import Any, cast

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.dossiers.models import CouncilDecision, DecisionDocument, Dossier
from regioagenda.regions.models import Municipality

FIELDS = [
    "proposal_title",
    "proposal_number",
    "proposal_url",
    "meeting_date",
    "outcome",
    "outcome_note",
]
DOCUMENT_FIELDS = ["kind", "title", "result", "url"]


def recordable_by(user: Any, dossier: Dossier) -> set[int]:
    """The ids of the dossier's municipalities whose decisions the user may record."""
    roles = roles_of(user)
    deciding = {m.pk for m in dossier.municipalities.all()}
    if roles.administrator or dossier.region_id in roles.coordinator_of:
        return deciding
    return deciding & roles.editor_of


def _id(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _documents(documents: Sequence[Mapping[str, Any]]) -> list[DecisionDocument]:
    """Unsaved documents from the submitted rows, checked; rows left empty are skipped."""
    rows: list[DecisionDocument] = []
    problems: list[str] = []
    for number, values in enumerate(documents, start=1):
        title = str(values.get("title") or "").strip()
        url = str(values.get("url") or "").strip()
        if not title and not url:
            continue
        document = DecisionDocument(
            pk=_id(values.get("id")),
            kind=values.get("kind") or DecisionDocument.Kind.AMENDMENT,
            title=title,
            result=values.get("result") or DecisionDocument.Result.UNKNOWN,
            url=url,
        )
        if not document.title:
            problems.append(
                _("Amendement of motie %(number)s: vul de titel in.") % {"number": number}
            )
            continue
        try:
            document.clean_fields(exclude={"decision"})
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = getattr(DecisionDocument._meta.get_field(field), "verbose_name", field)
                problems.extend(
                    _("Amendement of motie %(number)s, %(field)s: %(message)s")
                    % {"number": number, "field": label, "message": message}
                    for message in messages
                )
            continue
        rows.append(document)
    if problems:
        raise ValidationError({"documents": problems})
    return rows


def _check_outcome_against_documents(outcome: str, documents: Sequence[DecisionDocument]) -> None:
    adopted_amendments = [
        d
        for d in documents
        if d.kind == DecisionDocument.Kind.AMENDMENT and d.result == DecisionDocument.Result.ADOPTED
    ]
    if outcome == CouncilDecision.Outcome.AMENDED and not adopted_amendments:
        raise ValidationError(
            {
                "outcome": _(
                    "Bij “geamendeerd aangenomen” hoort minstens één aangenomen amendement. "
                    "Voeg het amendement toe, of kies “aangenomen”."
                )
            }
        )
    if outcome == CouncilDecision.Outcome.ADOPTED and adopted_amendments:
        raise ValidationError(
            {"outcome": _("Er is een amendement aangenomen: kies dan “geamendeerd aangenomen”.")}
        )


def _document_values(document: DecisionDocument) -> dict[str, str]:
    return {name: getattr(document, name) for name in DOCUMENT_FIELDS}


def _keep_documents(decision: CouncilDecision, documents: Sequence[DecisionDocument]) -> None:
    """Make the decision's documents the submitted ones, touching only rows that changed.

    A submitted id that is not one of this decision's documents starts a new document, so that
    a form can never change another decision's amendments.
    """
    stored = {d.pk: d for d in decision.documents.all()}
    kept: set[int] = set()
    for document in documents:
        current = stored.get(document.pk) if document.pk else None
        if current is None:
            DecisionDocument.objects.create(decision=decision, **_document_values(document))
            continue
        kept.add(current.pk)
        if _document_values(current) != _document_values(document):
            for name, value in _document_values(document).items():
                setattr(current, name, value)
            current.full_clean()
            current.save()
    for pk, document in stored.items():
        if pk not in kept:
            document.delete()


def documents_differ(
    decision: CouncilDecision, documents: Sequence[Mapping[str, Any]]
) -> tuple[list[DecisionDocument], list[DecisionDocument]] | None:
    """The stored and the submitted documents, when they differ (for showing a conflict)."""
    stored = list(decision.documents.all())
    try:
        submitted = _documents(documents)
    except ValidationError:
        return None
    if [_document_values(d) for d in stored] == [_document_values(d) for d in submitted]:
        return None
    return stored, submitted


@transaction.atomic
def record_decision(
    dossier: Dossier,
    *,
    municipality: Municipality,
    body: str,
    by: Any,
    expected_version: int | None,
    values: Mapping[str, Any],
    documents: Sequence[Mapping[str, Any]] = (),
) -> CouncilDecision:
    """Record (or change) the decision of the municipality's council or college on the dossier.

    `values` holds the decision's fields (others are ignored); `documents` the amendments and
    motions as dicts with kind, title, result, url and, for stored ones, id. The stored documents
    become the submitted ones. `expected_version` is None for a new decision; if someone recorded
    one in between, or changed the decision since that version, EditConflict is raised and
    nothing is saved.
    """
    candidate = CouncilDecision(dossier=dossier, municipality=municipality, body=body)
    if not rules.test_rule("dossiers.record_decision", by, candidate):
        raise PermissionDenied
    if not dossier.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            {
                "municipality": _("%(name)s besluit niet over dit dossier.")
                % {"name": municipality.name}
            }
        )
    changes = {name: values[name] for name in FIELDS if name in values}
    for name in ("proposal_title", "proposal_number", "proposal_url", "outcome_note"):
        if isinstance(changes.get(name), str):
            changes[name] = changes[name].strip()
    rows = _documents(documents)
    existing = (
        CouncilDecision.objects.select_for_update()
        .filter(dossier=dossier, municipality=municipality, body=body)
        .first()
    )
    _check_outcome_against_documents(
        changes.get("outcome", existing.outcome if existing else candidate.outcome), rows
    )
    if existing is None:
        decision = CouncilDecision(dossier=dossier, municipality=municipality, body=body, **changes)
        decision.full_clean()
        decision.save()
    else:
        if expected_version is None:
            # Someone recorded this decision after the editor opened the empty form.
            changed = [name for name, value in changes.items() if getattr(existing, name) != value]
            raise EditConflict(existing, changed)
        decision = cast(
            CouncilDecision,
            save_with_version_check(existing, expected_version=expected_version, changes=changes),
        )
    _keep_documents(decision, rows)
    return decision
