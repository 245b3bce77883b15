"""Where the councils diverged on a dossier, and what that means for the execution agenda.

For each municipality that is to decide, one decision counts: its council's when one is recorded
(the council has the last word), otherwise its college's; without either the municipality has not
decided yet. The councils diverged when they reached different outcomes, or when some have decided
and others not yet. "Adopted" and "adopted with amendments" both adopt the proposal, but count as
different outcomes: the councils then adopted different texts.

Pure functions over model instances: the caller fetches the rows (an action's lead and
participants prefetched), nothing here queries the database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regioagenda.agenda.models import Action
from regioagenda.dossiers.models import CouncilDecision
from regioagenda.regions.models import Municipality

Outcome = CouncilDecision.Outcome
Body = CouncilDecision.Body

# The order in which outcomes are counted and named.
ORDER = [Outcome.ADOPTED, Outcome.AMENDED, Outcome.REJECTED, Outcome.POSTPONED, Outcome.PENDING]


@dataclass(frozen=True)
class Position:
    """Where one municipality stands: its outcome and the decision it comes from, if any."""

    municipality: Municipality
    outcome: str
    decision: CouncilDecision | None = None

    @property
    def adopted(self) -> bool:
        return self.outcome in CouncilDecision.ADOPTING

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass(frozen=True)
class OutcomeGroup:
    outcome: str
    municipalities: list[Municipality]

    @property
    def label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass(frozen=True)
class ActionConsequence:
    """What the decisions mean for one linked action."""

    action: Action
    members: list[Municipality]  # the lead and the participants, by name
    # Lead or participants that did not adopt the proposal (rejected, postponed, not decided yet).
    members_not_adopting: list[Position]
    # Municipalities that adopted the proposal but do not take part in the action.
    adopters_not_taking_part: list[Municipality]
    # Municipalities that do not take part and did not adopt: consistent, but worth naming.
    others_not_taking_part: list[Position]
    sentence: str

    @property
    def needs_attention(self) -> bool:
        return bool(self.members_not_adopting or self.adopters_not_taking_part)


@dataclass(frozen=True)
class Divergence:
    positions: list[Position]
    counts: dict[str, int]
    groups: list[OutcomeGroup]
    decided: int
    total: int
    diverged: bool
    summary: str
    consequences: list[ActionConsequence] = field(default_factory=list)

    @property
    def any_decided(self) -> bool:
        return self.decided > 0


def positions_of(
    municipalities: Iterable[Municipality], decisions: Iterable[CouncilDecision]
) -> list[Position]:
    """One position per deciding municipality, by name; decisions of others are left out."""
    counted: dict[int, CouncilDecision] = {}
    for decision in decisions:
        current = counted.get(decision.municipality_id)
        if current is None or (current.body != Body.COUNCIL and decision.body == Body.COUNCIL):
            counted[decision.municipality_id] = decision
    positions = []
    for municipality in sorted(municipalities, key=lambda m: m.name):
        found = counted.get(municipality.pk)
        positions.append(Position(municipality, found.outcome if found else Outcome.PENDING, found))
    return positions


def divergence(
    municipalities: Iterable[Municipality],
    decisions: Iterable[CouncilDecision],
    actions: Iterable[Action] = (),
) -> Divergence:
    """The dossier's outcome per municipality, summed up, and its consequences for `actions`.

    Each action's `lead` and `participants` are read, so fetch them with the actions
    (`Action.objects.for_listing()` does).
    """
    positions = positions_of(municipalities, decisions)
    counts = {outcome.value: 0 for outcome in ORDER}
    for position in positions:
        counts[position.outcome] += 1
    groups = [
        OutcomeGroup(outcome, [p.municipality for p in positions if p.outcome == outcome])
        for outcome in ORDER
        if counts[outcome]
    ]
    decided = len(positions) - counts[Outcome.PENDING]
    return Divergence(
        positions=positions,
        counts=counts,
        groups=groups,
        decided=decided,
        total=len(positions),
        diverged=decided > 0 and len(groups) > 1,
        summary=summary_of(positions),
        consequences=[
            consequence_for(action, [action.lead, *action.participants.all()], positions)
            for action in actions
        ],
    )


def _names(municipalities: Iterable[Municipality]) -> str:
    return str(get_text_list([m.name for m in municipalities], _("en")))


def _bodies(positions: Sequence[Position]) -> str:
    """How to call the deciding bodies: councils, colleges, or municipalities when mixed."""
    bodies = {p.decision.body for p in positions if p.decision is not None}
    if bodies == {Body.COUNCIL}:
        return _("raden")
    if bodies == {Body.COLLEGE}:
        return _("colleges")
    return _("gemeenten")


def _verb(outcome: str, count: int) -> str:
    """'has adopted the proposal', with the verb in the number of its subject."""
    if outcome == Outcome.ADOPTED:
        return ngettext("heeft het voorstel aangenomen", "hebben het voorstel aangenomen", count)
    if outcome == Outcome.AMENDED:
        return ngettext(
            "heeft het voorstel geamendeerd aangenomen",
            "hebben het voorstel geamendeerd aangenomen",
            count,
        )
    if outcome == Outcome.REJECTED:
        return ngettext("heeft het voorstel verworpen", "hebben het voorstel verworpen", count)
    if outcome == Outcome.POSTPONED:
        return ngettext("heeft het voorstel aangehouden", "hebben het voorstel aangehouden", count)
    return ngettext("heeft nog niet besloten", "hebben nog niet besloten", count)


def _short_verb(outcome: str, count: int) -> str:
    """The same, referring back to the proposal named before: 'has rejected it'."""
    if outcome == Outcome.ADOPTED:
        return ngettext("heeft het aangenomen", "hebben het aangenomen", count)
    if outcome == Outcome.AMENDED:
        return ngettext(
            "heeft het geamendeerd aangenomen", "hebben het geamendeerd aangenomen", count
        )
    if outcome == Outcome.REJECTED:
        return ngettext("heeft het verworpen", "hebben het verworpen", count)
    if outcome == Outcome.POSTPONED:
        return ngettext("heeft het aangehouden", "hebben het aangehouden", count)
    return ngettext("heeft nog niet besloten", "hebben nog niet besloten", count)


def summary_of(positions: Sequence[Position]) -> str:
    """One plain sentence: "4 van de 5 raden hebben het voorstel aangenomen; Voorschoten heeft
    het verworpen." The largest decided group is counted, the others are named."""
    total = len(positions)
    if total == 0:
        return _("Er is nog geen gemeente aangewezen die over dit voorstel besluit.")
    by_outcome = {
        outcome: [p.municipality for p in positions if p.outcome == outcome] for outcome in ORDER
    }
    present = [outcome for outcome in ORDER if by_outcome[outcome]]
    bodies = _bodies(positions)
    if total == 1:
        only = positions[0]
        return _("%(names)s %(verb)s.") % {
            "names": only.municipality.name,
            "verb": _verb(only.outcome, 1),
        }
    if present == [Outcome.PENDING]:
        if total == 2:
            return _("Nog geen van beide %(bodies)s heeft over het voorstel besloten.") % {
                "bodies": bodies
            }
        return _("Nog geen van de %(total)s %(bodies)s heeft over het voorstel besloten.") % {
            "total": total,
            "bodies": bodies,
        }
    if len(present) == 1:
        if total == 2:
            return _("Beide %(bodies)s %(verb)s.") % {
                "bodies": bodies,
                "verb": _verb(present[0], total),
            }
        return _("Alle %(total)s %(bodies)s %(verb)s.") % {
            "total": total,
            "bodies": bodies,
            "verb": _verb(present[0], total),
        }
    decided = [outcome for outcome in present if outcome != Outcome.PENDING]
    # The largest decided group leads; on a tie, the first in ORDER (max keeps the first).
    main = max(decided, key=lambda outcome: len(by_outcome[outcome]))
    count = len(by_outcome[main])
    first = _("%(count)s van de %(total)s %(bodies)s %(verb)s") % {
        "count": count,
        "total": total,
        "bodies": bodies,
        "verb": _verb(main, count),
    }
    others = [
        _("%(names)s %(verb)s")
        % {
            "names": _names(by_outcome[outcome]),
            "verb": _short_verb(outcome, len(by_outcome[outcome])),
        }
        for outcome in present
        if outcome != main
    ]
    return _("%(first)s; %(others)s.") % {
        "first": first,
        "others": get_text_list(others, _("en")),
    }


def _why_not(outcome: str, count: int) -> str:
    """Why a municipality is not (or should not be) in an action, in the past tense."""
    if outcome == Outcome.REJECTED:
        return ngettext("verwierp het voorstel", "verwierpen het voorstel", count)
    if outcome == Outcome.POSTPONED:
        return ngettext("hield het voorstel aan", "hielden het voorstel aan", count)
    return ngettext("heeft nog niet besloten", "hebben nog niet besloten", count)


def _grouped(positions: Sequence[Position]) -> list[tuple[str, list[Municipality]]]:
    return [
        (outcome, [p.municipality for p in positions if p.outcome == outcome])
        for outcome in ORDER
        if any(p.outcome == outcome for p in positions)
    ]


def consequence_for(
    action: Action, members: Sequence[Municipality], positions: Sequence[Position]
) -> ActionConsequence:
    """What the positions mean for an action that `members` (lead and participants) carry.

    "Alleen Leiden, Leiderdorp, Oegstgeest en Zoeterwoude doen mee aan actie X; Voorschoten
    verwierp het voorstel."
    """
    member_ids = {m.pk for m in members}
    members = sorted({m.pk: m for m in members}.values(), key=lambda m: m.name)
    members_not_adopting = [
        p for p in positions if p.municipality.pk in member_ids and not p.adopted
    ]
    outside = [p for p in positions if p.municipality.pk not in member_ids]
    adopters_not_taking_part = [p.municipality for p in outside if p.adopted]
    others_not_taking_part = [p for p in outside if not p.adopted]
    title = action.translated_title

    if not positions:
        first = _("Nog geen gemeente besluit over het voorstel voor actie “%(action)s”") % {
            "action": title
        }
    elif not outside:
        if members_not_adopting:
            first = _(
                "Alle gemeenten die over het voorstel besluiten, doen mee aan actie “%(action)s”"
            ) % {"action": title}
        else:
            first = _(
                "Alle gemeenten die over het voorstel besluiten, namen het aan en doen mee "
                "aan actie “%(action)s”"
            ) % {"action": title}
    else:
        first = ngettext(
            "Alleen %(names)s doet mee aan actie “%(action)s”",
            "Alleen %(names)s doen mee aan actie “%(action)s”",
            len(members),
        ) % {"names": _names(members), "action": title}
    reasons = [
        _("%(names)s %(why)s") % {"names": _names(group), "why": _why_not(outcome, len(group))}
        for outcome, group in _grouped(others_not_taking_part)
    ]
    if adopters_not_taking_part:
        reasons.append(
            ngettext(
                "%(names)s nam het voorstel aan, maar doet niet mee",
                "%(names)s namen het voorstel aan, maar doen niet mee",
                len(adopters_not_taking_part),
            )
            % {"names": _names(adopters_not_taking_part)}
        )
    sentence = first
    if reasons:
        sentence = _("%(first)s; %(reasons)s") % {
            "first": first,
            "reasons": get_text_list(reasons, _("en")),
        }
    sentence += "."
    warnings = [
        ngettext(
            "%(names)s doet mee, maar %(why)s",
            "%(names)s doen mee, maar %(why)s",
            len(group),
        )
        % {"names": _names(group), "why": _why_not(outcome, len(group))}
        for outcome, group in _grouped(members_not_adopting)
    ]
    if warnings:
        sentence += " " + _("Let op: %(warnings)s.") % {
            "warnings": get_text_list(warnings, _("en"))
        }
    return ActionConsequence(
        action=action,
        members=members,
        members_not_adopting=members_not_adopting,
        adopters_not_taking_part=adopters_not_taking_part,
        others_not_taking_part=others_not_taking_part,
        sentence=sentence,
    )
