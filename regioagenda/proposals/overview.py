"""What the regional overview of proposals shows: the visible proposals narrowed by its filters,
each with its current (last submitted) check at hand, and the topics that proposals of
different municipalities share.

A check's draft never counts here: the overview, the feeds and the side-by-side tables all read
the current check, the one the public sees.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from regioagenda.core.forms import NLDesignFormMixin
from regioagenda.proposals.models import (
    AffectedMunicipality,
    ImpactCheck,
    Proposal,
    ProposalQuerySet,
    ProposalStatus,
)
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic

PER_PAGE = 25


def current_checks() -> QuerySet[ImpactCheck]:
    """Every proposal's last submitted revision (at most one per proposal)."""
    later = ImpactCheck.objects.filter(
        proposal=OuterRef("proposal"),
        state=ImpactCheck.State.SUBMITTED,
        revision__gt=OuterRef("revision"),
    )
    return ImpactCheck.objects.filter(state=ImpactCheck.State.SUBMITTED).exclude(Exists(later))


def with_current_check(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposals with their municipality and their current check's answers prefetched,
    so that a list costs the same few queries however long it is; read with `attach_current`."""
    return proposals.select_related("municipality").prefetch_related(
        Prefetch(
            "checks",
            queryset=current_checks()
            .select_related("submitted_by")
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.order_by("position")),
                Prefetch("topics", queryset=Topic.objects.order_by("theme__position", "position")),
                Prefetch("joint_bodies", queryset=JointBody.objects.order_by("name")),
                Prefetch("affected", queryset=AffectedMunicipality.objects.order_by("name")),
            ),
            to_attr="current_checks",
        )
    )


def attach_current(proposals: Iterable[Proposal]) -> list[Proposal]:
    """Set `proposal.current_check` (or None) from what `with_current_check` prefetched."""
    rows = list(proposals)
    for proposal in rows:
        found = getattr(proposal, "current_checks", [])
        proposal.current_check = found[0] if found else None  # type: ignore[attr-defined]
    return rows


def naming_theme(theme: Theme) -> Q:
    """Proposals whose current check names the theme (a topic alone does not count: the
    editor chose the themes, and the paragraph names those)."""
    return Q(pk__in=current_checks().filter(themes=theme).values("proposal"))


def naming_topic(topic: Topic) -> Q:
    return Q(pk__in=current_checks().filter(topics=topic).values("proposal"))


def naming_body(body: JointBody) -> Q:
    return Q(pk__in=current_checks().filter(joint_bodies=body).values("proposal"))


def affecting(code: str) -> Q:
    """Proposals whose current check names the municipality (by CBS code) as affected."""
    return Q(pk__in=current_checks().filter(affected__code=code).values("proposal"))


def regional_only() -> Q:
    return Q(pk__in=current_checks().filter(regional=True).values("proposal"))


def affected_choices(region: Region) -> list[tuple[str, str]]:
    """The region's municipalities, then the neighbours outside it that any check names."""
    inside = list(Municipality.objects.in_region(region).values_list("code", "name"))
    codes = {code for code, _name in inside}
    outside = (
        AffectedMunicipality.objects.filter(
            impact_check__proposal__municipality__region=region,
            impact_check__state=ImpactCheck.State.SUBMITTED,
        )
        .exclude(code__in=codes)
        .values_list("code", "name")
        .order_by("name", "code")
        .distinct()
    )
    seen: dict[str, str] = {}
    for code, name in outside:
        seen.setdefault(code, name)
    neighbours = sorted(seen.items(), key=lambda item: item[1])
    return [*inside, *((code, f"{name} ({_('buiten de regio')})") for code, name in neighbours)]


class OverviewFilter(NLDesignFormMixin, forms.Form):
    """The overview's filters, read from the query string so that a choice can be bookmarked."""

    thema = forms.ModelChoiceField(
        label=_("Thema"),
        queryset=Theme.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle thema's"),
    )
    onderwerp = forms.ModelChoiceField(
        label=_("Onderwerp"),
        queryset=Topic.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle onderwerpen"),
    )
    gemeente = forms.ModelChoiceField(
        label=_("Gemeente die het voorstel doet"),
        queryset=Municipality.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle gemeenten"),
    )
    geraakt = forms.ChoiceField(label=_("Geraakte gemeente"), required=False)
    verbonden_partij = forms.ModelChoiceField(
        label=_("Verbonden partij"),
        queryset=JointBody.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle verbonden partijen"),
    )
    van = forms.DateField(
        label=_("Voorstel vanaf"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    tot = forms.DateField(
        label=_("Voorstel tot en met"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle statussen")), *ProposalStatus.choices],
    )
    regionaal = forms.BooleanField(label=_("Alleen regionale voorstellen"), required=False)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["thema"].queryset = Theme.objects.in_region(region)
        fields["onderwerp"].queryset = Topic.objects.in_region(region).order_by(
            "theme__position", "position"
        )
        fields["gemeente"].queryset = Municipality.objects.in_region(region)
        fields["verbonden_partij"].queryset = JointBody.objects.in_region(region).order_by("name")
        fields["geraakt"].choices = [("", _("Alle gemeenten")), *affected_choices(region)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            self.add_error("tot", _("Deze datum ligt vóór de begindatum."))
        return data

    def narrow(self, proposals: ProposalQuerySet) -> ProposalQuerySet:
        """The proposals that match every chosen filter (all of them when the form is invalid:
        the page then shows why)."""
        if not self.is_valid():
            return proposals
        data = self.cleaned_data
        if data["thema"]:
            proposals = proposals.filter(naming_theme(data["thema"]))
        if data["onderwerp"]:
            proposals = proposals.filter(naming_topic(data["onderwerp"]))
        if data["gemeente"]:
            proposals = proposals.filter(municipality=data["gemeente"])
        if data["geraakt"]:
            proposals = proposals.filter(affecting(data["geraakt"]))
        if data["verbonden_partij"]:
            proposals = proposals.filter(naming_body(data["verbonden_partij"]))
        if data["van"]:
            proposals = proposals.filter(date__gte=data["van"])
        if data["tot"]:
            proposals = proposals.filter(date__lte=data["tot"])
        if data["status"]:
            proposals = proposals.filter(status=data["status"])
        if data["regionaal"]:
            proposals = proposals.filter(regional_only())
        return proposals

    def chosen(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


@dataclass
class SharedTopic:
    """A topic that the current checks of proposals of several municipalities name."""

    topic: Topic
    municipalities: list[str]
    count: int


def shared_topics(proposals: QuerySet[Proposal]) -> list[SharedTopic]:
    """The topics named by proposals of at least two municipalities, in the agenda's order."""
    pairs = (
        current_checks()
        .filter(proposal__in=proposals.order_by().values("pk"), topics__isnull=False)
        .values_list("topics", "proposal__municipality__name", "proposal")
        .distinct()
    )
    names: dict[int, set[str]] = {}
    counts: dict[int, set[int]] = {}
    for topic_id, municipality, proposal_id in pairs:
        names.setdefault(topic_id, set()).add(municipality)
        counts.setdefault(topic_id, set()).add(proposal_id)
    shared = [topic_id for topic_id, found in names.items() if len(found) > 1]
    if not shared:
        return []
    topics = Topic.objects.filter(pk__in=shared).order_by("theme__position", "position")
    return [SharedTopic(t, sorted(names[t.pk]), len(counts[t.pk])) for t in topics]
