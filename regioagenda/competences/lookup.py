"""Who decides about a policy domain for a place: the question page's answer, and the initiatives'
routing.

A place is the whole region, a municipality, or a district or neighbourhood of one. The answer
holds the competences in force for the place's municipality at the place's scale; where nothing
is registered at that scale it walks up (buurt → wijk of dorp → gemeente; for the region:
regio → meerdere gemeenten) and says so. A domain without competences of its own borrows its
parent's. A joint body's board counts only for municipalities that take part in the body today
(for the region as a whole: while the body exists). A competence of one municipality holds there
only, so never for the region as a whole.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regioagenda.competences.models import (
    JOINT_BODY_AUTHORITIES,
    Competence,
    Place,
    PolicyDomain,
    Scale,
)
from regioagenda.regions.models import Municipality, Region

# The scales to try, smallest first, for a place of each scale. Above the municipality the
# answer is what the municipalities do together (joint bodies), then the province or the state.
_ABOVE_MUNICIPALITY = [Scale.SEVERAL_MUNICIPALITIES, Scale.REGION, Scale.BEYOND_REGION]
WALK_UP = {
    Scale.NEIGHBOURHOOD: [
        Scale.NEIGHBOURHOOD,
        Scale.DISTRICT,
        Scale.MUNICIPALITY,
        *_ABOVE_MUNICIPALITY,
    ],
    Scale.DISTRICT: [Scale.DISTRICT, Scale.MUNICIPALITY, *_ABOVE_MUNICIPALITY],
    Scale.MUNICIPALITY: [Scale.MUNICIPALITY, *_ABOVE_MUNICIPALITY],
    Scale.REGION: [Scale.REGION, Scale.SEVERAL_MUNICIPALITIES, Scale.BEYOND_REGION],
}

REGION = "regio"

ASKED = {
    Scale.NEIGHBOURHOOD: gettext_lazy("een buurt"),
    Scale.DISTRICT: gettext_lazy("een wijk, dorp of kern"),
    Scale.MUNICIPALITY: gettext_lazy("een gemeente"),
    Scale.REGION: gettext_lazy("de regio als geheel"),
}
FOUND = {
    Scale.DISTRICT: gettext_lazy("er wordt per wijk, dorp of kern beslist"),
    Scale.MUNICIPALITY: gettext_lazy("de gemeente beslist"),
    Scale.SEVERAL_MUNICIPALITIES: gettext_lazy("de gemeenten beslissen samen"),
    Scale.REGION: gettext_lazy("er wordt voor de hele regio beslist"),
    Scale.BEYOND_REGION: gettext_lazy(
        "er wordt buiten de regio beslist, door de provincie of het Rijk"
    ),
}


@dataclass(frozen=True)
class Where:
    """The place a question is about: the region, a municipality, or a district or neighbourhood."""

    region: Region
    municipality: Municipality | None = None
    place: Place | None = None

    @property
    def scale(self) -> str:
        if self.place is not None:
            return self.place.scale
        return Scale.MUNICIPALITY if self.municipality is not None else Scale.REGION

    @property
    def name(self) -> str:
        if self.place is not None:
            return f"{self.place.name} ({self.place.municipality.name})"
        if self.municipality is not None:
            return self.municipality.name
        return self.region.translated_name

    @property
    def key(self) -> str:
        """The value that names this place in a URL: `regio`, `leiden` or `leiden/WK054601`."""
        if self.place is not None:
            return f"{self.place.municipality.slug}/{self.place.code}"
        return self.municipality.slug if self.municipality is not None else REGION

    @classmethod
    def from_key(cls, region: Region, key: str) -> "Where | None":
        if not key or key == REGION:
            return cls(region)
        slug, _sep, code = key.partition("/")
        municipality = Municipality.objects.in_region(region).filter(slug=slug).first()
        if municipality is None:
            return None
        if not code:
            return cls(region, municipality)
        place = (
            Place.objects.filter(municipality=municipality, code=code)
            .select_related("municipality")
            .first()
        )
        return cls(region, municipality, place) if place is not None else None


@dataclass(frozen=True)
class Contact:
    """Whom to ask when nothing is registered."""

    name: str
    url: str
    website: str = ""


@dataclass
class Answer:
    domain: PolicyDomain
    where: Where
    competences: list[Competence] = field(default_factory=list)
    found_at: str | None = None  # the scale at which the competences were found
    walked_up: bool = False
    from_domain: PolicyDomain | None = None  # an ancestor whose competences were used
    ask: Contact | None = None  # set when nothing was found

    @property
    def found(self) -> bool:
        return bool(self.competences)

    @property
    def walk_up_note(self) -> str:
        """For example: "Voor een buurt is niets apart geregeld; de gemeente beslist."."""
        if not self.walked_up or self.found_at is None:
            return ""
        return _("Voor %(asked)s is niets apart geregeld; %(found)s.") % {
            "asked": ASKED[Scale(self.where.scale)],
            "found": FOUND[Scale(self.found_at)],
        }


def _in_force(today: datetime.date) -> Q:
    return Q(since__isnull=True) | Q(since__lte=today)


def _candidates(domain: PolicyDomain, where: Where, today: datetime.date) -> list[Competence]:
    competences = (
        Competence.objects.filter(domain=domain, region=where.region)
        .filter(_in_force(today))
        .select_related("joint_body", "municipality", "domain")
        .prefetch_related("joint_body__participations")
    )
    if where.municipality is not None:
        competences = competences.filter(
            Q(municipality__isnull=True) | Q(municipality=where.municipality)
        )
    else:
        competences = competences.filter(municipality__isnull=True)
    return [c for c in competences if _holds(c, where, today)]


def _holds(competence: Competence, where: Where, today: datetime.date) -> bool:
    if competence.authority not in JOINT_BODY_AUTHORITIES or competence.joint_body is None:
        return True
    body = competence.joint_body
    if body.ended_on is not None and body.ended_on <= today:
        return False
    if where.municipality is None:
        return True
    return any(
        p.municipality_id == where.municipality.pk
        and (p.started_on is None or p.started_on <= today)
        and (p.ended_on is None or p.ended_on > today)
        for p in body.participations.all()
    )


def _ancestry(domain: PolicyDomain) -> list[PolicyDomain]:
    chain, seen = [], set()
    current: PolicyDomain | None = domain
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def who_decides(
    domain: PolicyDomain, where: Where, *, today: datetime.date | None = None
) -> Answer:
    """The competences that decide about `domain` for `where`, walking up where needed."""
    today = today or timezone.localdate()
    scales = WALK_UP[Scale(where.scale)]
    for candidate_domain in _ancestry(domain):
        found = _candidates(candidate_domain, where, today)
        for scale in scales:
            at_scale = [c for c in found if c.scale == scale]
            if at_scale:
                return Answer(
                    domain=domain,
                    where=where,
                    competences=at_scale,
                    found_at=scale,
                    walked_up=scale != scales[0],
                    from_domain=candidate_domain if candidate_domain != domain else None,
                )
    return Answer(domain=domain, where=where, ask=whom_to_ask(where))


def whom_to_ask(where: Where) -> Contact:
    if where.municipality is not None:
        return Contact(
            name=_("de gemeente %(name)s") % {"name": where.municipality.name},
            url=where.municipality.get_absolute_url(),
            website=where.municipality.website,
        )
    return Contact(
        name=_("de coördinator van %(region)s") % {"region": where.region.translated_name},
        url=reverse("website:contact"),
    )


def normalise(text: str) -> str:
    """Lower case without accents: "Cultuur én Erfgoed" → "cultuur en erfgoed"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in normalise(text)).split()


def _contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(haystack[i : i + size] == phrase for i in range(len(haystack)))


def _domain_score(domain: PolicyDomain, typed: list[str]) -> int:
    name = words(domain.name) + words(domain.name_en)
    score = 0
    if _contains_phrase(typed, words(domain.name)) or (
        domain.name_en and _contains_phrase(typed, words(domain.name_en))
    ):
        score += 10
    for keyword in domain.keyword_list:
        if _contains_phrase(typed, words(keyword)):
            score += 5
    # A typed word that starts a word of the name ("verkeer" → "verkeersveiligheid").
    score += sum(
        2 for word in set(typed) if len(word) >= 4 and any(n.startswith(word) for n in name)
    )
    return score


def find_domains(region: Region, text: str) -> list[PolicyDomain]:
    """The region's domains that the typed text names, best first.

    A domain scores 10 when its name occurs in the text, 5 for each of its keywords that occurs,
    and 2 for each typed word (of four letters or more) that begins a word of its name; case and
    accents do not matter. Domains that score nothing are left out.
    """
    typed = words(text)
    if not typed:
        return []
    scored = []
    for domain in PolicyDomain.objects.filter(region=region).select_related("parent"):
        score = _domain_score(domain, typed)
        if score:
            scored.append((-score, domain.position, domain.name, domain))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored]
