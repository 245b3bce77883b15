"""Suggestions for a proposal's regional impact check, from its text.

`suggest(text, region=..., municipality=...)` says which themes and topics the text touches
(see vocabulary.py), which other municipalities and joint bodies it names (see gazetteer.py),
and whether it looks regional or local. Every suggestion carries its reasons: the words or
passages that matched. Only suggestions scoring above `THRESHOLD` are returned; an editor
confirms or rejects them, nothing is published from here.

Scores run from 0 to 1: `1 - exp(-evidence / scale)`, where the evidence of a theme or topic is
the sum of the weights of its words found in the text and the scale grows slowly with the
length of the text, so that a long document does not touch every topic by chance. A topic's
evidence counts for its theme too. A theme or topic is suggested only when its evidence is at
least `RELATIVE_MIN` of the strongest one's.

The regional call adds up signals: other municipalities named (inside the region more than
outside), the region as a whole, joint bodies, regional words ("regionaal", "samenwerking",
"gemeenschappelijke regeling", a "zienswijze" on a budget…), and topics of the theme about
working together. It is regional when the score reaches one half.
"""

import hashlib
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regioagenda.proposals import gazetteer as places
from regioagenda.proposals import vocabulary
from regioagenda.proposals.models import PlaceKind
from regioagenda.regions.models import Municipality, Region

THRESHOLD = 0.4
RELATIVE_MIN = 0.25
# The evidence at which a theme or topic scores 1 - 1/e (0.63), for a text of up to
# `SHORT_TEXT` content words; longer texts need proportionally more (square root).
SCALE = 2.0
SHORT_TEXT = 150
REGIONAL_AT = 0.5

# Lemma (or lemma pair) -> weight towards "regional", with the reason shown.
REGIONAL_WORDS: dict[tuple[str, ...], float] = {
    ("regionaal",): 0.6,
    ("regionale",): 0.6,
    ("regio",): 0.3,
    ("samenwerking",): 0.5,
    ("samenwerken",): 0.5,
    ("samenwerkingsverband",): 0.6,
    ("intergemeentelijk",): 0.8,
    ("intergemeentelijke",): 0.8,
    ("bovenregionaal",): 0.6,
    ("subregionaal",): 0.6,
    ("gezamenlijk",): 0.4,
    ("gezamenlijke",): 0.4,
    ("gemeenschappelijk", "regeling"): 1.0,
    ("gemeenschappelijke", "regeling"): 1.0,
    ("verbonden", "partij"): 0.8,
    ("verbonden", "partijen"): 0.8,
    ("buurgemeente",): 0.6,
    ("zienswijze",): 0.5,
    ("convenant",): 0.3,
}
BUDGET_WORDS = frozenset({"begroting", "jaarrekening", "kadernota", "jaarstukken"})


@dataclass(frozen=True)
class Suggestion:
    key: str  # theme or topic slug, CBS code, or joint body slug
    name: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RegionalCall:
    value: bool
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Suggestions:
    themes: list[Suggestion]
    topics: list[Suggestion]
    municipalities: list[Suggestion]
    bodies: list[Suggestion]
    regional: RegionalCall

    def as_json(self) -> dict[str, Any]:
        """The layout of the `suggest_impact` command and the API (issue 6)."""
        return {
            "themes": [_scored(s) for s in self.themes],
            "topics": [_scored(s) for s in self.topics],
            "municipalities": [
                {"code": s.key, "name": s.name, "reasons": list(s.reasons)}
                for s in self.municipalities
            ],
            "bodies": [{"name": s.name, "reasons": list(s.reasons)} for s in self.bodies],
            "regional": {
                "value": self.regional.value,
                "score": self.regional.score,
                "reasons": list(self.regional.reasons),
            },
        }


def _scored(suggestion: Suggestion) -> dict[str, Any]:
    return {"slug": suggestion.key, "score": suggestion.score, "reasons": list(suggestion.reasons)}


def _score(evidence: float, scale: float) -> float:
    return round(1 - math.exp(-evidence / scale), 3)


# Suggestions are kept a day per text, municipality and language; any change to what they are
# computed from (themes, topics, terms, places, joint bodies) starts a new generation.
CACHE_SECONDS = 24 * 60 * 60


def _generation_key(region_id: int) -> str:
    return f"proposals:suggestions-generation:{region_id}"


def forget_suggestions(region_id: int) -> None:
    """Let every cached suggestion of the region go: the data behind them changed."""
    cache.set(_generation_key(region_id), time.time_ns(), None)


def cached_suggest(text: str, *, region: Region, municipality: Municipality) -> Suggestions:
    """`suggest`, remembered: the check form asks again on every visit, and a long document
    takes a noticeable part of a second (see bench/README.md)."""
    generation = cache.get_or_set(_generation_key(region.pk), time.time_ns(), None)
    digest = hashlib.sha256(text.encode()).hexdigest()
    parts = [str(region.pk), str(generation), municipality.code, get_language() or "", digest]
    key = "proposals:suggestions:" + ":".join(parts)
    found = cache.get(key)
    if found is None:
        found = suggest(text, region=region, municipality=municipality)
        cache.set(key, found, CACHE_SECONDS)
    return found


def suggest(text: str, *, region: Region, municipality: Municipality | str) -> Suggestions:
    """What the text touches, for a proposal of `municipality` (an instance or a CBS code)."""
    own = municipality if isinstance(municipality, str) else municipality.code
    tokens = vocabulary.tokens(text)
    themes, topics, governance = _themes_and_topics(tokens, region)
    found = places.words(text)
    gazetteer = places.build_gazetteer(region)
    body_hits = places.find_bodies(gazetteer, text, found)
    blocked = {i for hit in body_hits for i in range(hit.first, hit.last)}
    municipalities, region_wide = _municipalities(text, found, gazetteer, own, blocked)
    bodies = _bodies(text, body_hits)
    regional = _regional(tokens, municipalities, region_wide, bodies, governance, gazetteer)
    return Suggestions(themes, topics, municipalities, bodies, regional)


def _themes_and_topics(
    tokens: list[vocabulary.Token], region: Region
) -> tuple[list[Suggestion], list[Suggestion], float]:
    vocab = vocabulary.build_vocabulary(region)
    evidence = vocabulary.match(vocab, tokens)
    scale = SCALE * max(1.0, math.sqrt(len(tokens) / SHORT_TEXT))
    targets = vocab.targets
    theme_index = {t.slug: i for i, t in enumerate(targets) if t.kind == "theme"}
    theme_evidence: dict[int, vocabulary.Evidence] = defaultdict(vocabulary.Evidence)
    for i, found in evidence.items():
        into = theme_evidence[theme_index[targets[i].theme_slug]]
        for key, (weight, count, surface) in found.words.items():
            into.raw += weight
            entry = into.words.setdefault(key, [0.0, 0, surface])
            entry[0] += weight
            entry[1] = max(entry[1], count)

    def ranked(items: dict[int, vocabulary.Evidence]) -> list[Suggestion]:
        strongest = max((e.raw for e in items.values()), default=0.0)
        suggestions = []
        for i, found in items.items():
            score = _score(found.raw, scale)
            if score > THRESHOLD and found.raw >= RELATIVE_MIN * strongest:
                target = targets[i]
                suggestions.append(
                    Suggestion(target.slug, target.title, score, tuple(found.reasons()))
                )
        return sorted(suggestions, key=lambda s: (-s.score, s.key))

    topic_evidence = {i: e for i, e in evidence.items() if targets[i].kind == "topic"}
    governance = max(
        (_score(e.raw, scale) for i, e in topic_evidence.items() if targets[i].governance),
        default=0.0,
    )
    return ranked(dict(theme_evidence)), ranked(topic_evidence), governance


def _municipalities(
    text: str,
    found: list[places.Word],
    gazetteer: places.Gazetteer,
    own: str,
    blocked: set[int],
) -> tuple[list[Suggestion], list[str]]:
    hits = places.find_places(gazetteer, found, blocked)
    blocked = blocked | {i for hit in hits for i in range(hit.first, hit.last)}
    mentions = places.find_region_mentions(gazetteer, found, blocked)
    scores: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    reasons: dict[str, list[str]] = defaultdict(list)
    for hit, place in places.resolve(hits, found):
        code = place.municipality_code
        if code == own:
            continue
        names[code] = place.municipality_name
        certainty = (1.0 if places.is_municipality(place) else 0.9) * (1 if hit.exact else 0.8)
        certainty *= 0.8 if place.ambiguous else 1
        scores[code] = max(scores[code], certainty)
        passage = places.snippet(text, found[hit.first].start, found[hit.last - 1].end)
        if places.is_municipality(place):
            reason = f"{place.name}: {passage}"
        else:
            reason = _("%(name)s (%(kind)s in %(municipality)s): %(passage)s") % {
                "name": place.name,
                "kind": PlaceKind(place.kind).label,
                "municipality": place.municipality_name,
                "passage": passage,
            }
        if reason not in reasons[code] and len(reasons[code]) < 3:
            reasons[code].append(reason)
    region_wide = []
    for mention in mentions:
        passage = places.snippet(text, found[mention.first].start, found[mention.last - 1].end)
        region_wide.append(passage)
        for code, name in gazetteer.municipalities.items():
            if code == own:
                continue
            names[code] = name
            scores[code] = max(scores[code], 0.7)
            reason = _("de regio als geheel: %(passage)s") % {"passage": passage}
            if reason not in reasons[code] and len(reasons[code]) < 3:
                reasons[code].append(reason)
    suggestions = [
        Suggestion(code, names[code], round(score, 3), tuple(reasons[code]))
        for code, score in scores.items()
        if score > THRESHOLD
    ]
    # The region's own municipalities first: those are the ones a check usually asks about.
    suggestions.sort(key=lambda s: (_outside(s.key, gazetteer), -s.score, s.name))
    return suggestions, region_wide


def _outside(code: str, gazetteer: places.Gazetteer) -> bool:
    return code not in gazetteer.municipalities


def _bodies(text: str, hits: list[places.BodyHit]) -> list[Suggestion]:
    by_body: dict[int, list[places.BodyHit]] = defaultdict(list)
    for hit in hits:
        by_body[hit.body.pk].append(hit)
    suggestions = []
    for body_hits in by_body.values():
        body = body_hits[0].body
        reasons = []
        for hit in body_hits[:3]:
            reason = f"{hit.form}: {places.snippet(text, hit.start, hit.end)}"
            if reason not in reasons:
                reasons.append(reason)
        suggestions.append(Suggestion(body.slug, body.name, 1.0, tuple(reasons)))
    return suggestions


def _regional(
    tokens: list[vocabulary.Token],
    municipalities: list[Suggestion],
    region_wide: list[str],
    bodies: list[Suggestion],
    governance: float,
    gazetteer: places.Gazetteer,
) -> RegionalCall:
    evidence = 0.0
    reasons: list[str] = []
    inside = [m.name for m in municipalities if not _outside(m.key, gazetteer)]
    outside = [m.name for m in municipalities if _outside(m.key, gazetteer)]
    if region_wide:
        evidence += 1.2
        reasons.append(_("noemt de regio als geheel: %(passage)s") % {"passage": region_wide[0]})
    if inside:
        evidence += min(1.6, 0.8 * len(inside))
        reasons.append(
            _("noemt andere gemeenten in de regio: %(names)s") % {"names": ", ".join(inside)}
        )
    if outside:
        evidence += min(1.0, 0.5 * len(outside))
        reasons.append(
            _("noemt gemeenten buiten de regio: %(names)s") % {"names": ", ".join(outside)}
        )
    if bodies:
        evidence += min(2.0, 1.2 * len(bodies))
        names = ", ".join(b.name for b in bodies)
        reasons.append(_("noemt verbonden partijen: %(names)s") % {"names": names})

    lemmas = [t.lemma for t in tokens]
    folded = [vocabulary.fold(t.surface) for t in tokens]
    matched: dict[str, float] = {}
    for i in range(len(tokens)):
        for size in (2, 1):
            for sequence in (tuple(lemmas[i : i + size]), tuple(folded[i : i + size])):
                weight = REGIONAL_WORDS.get(sequence)
                if weight is not None and len(sequence) == size:
                    surface = " ".join(t.surface for t in tokens[i : i + size]).casefold()
                    matched.setdefault(surface, weight)
                    break
    if matched:
        # The strongest word counts fully, others at half: "regionale samenwerking" says one thing.
        weights = sorted(matched.values(), reverse=True)
        evidence += weights[0] + sum(weights[1:]) / 2
        words = ", ".join(f"“{w}”" for w in matched)
        reasons.append(_("regionale woorden: %(words)s") % {"words": words})
    if "zienswijze" in lemmas and BUDGET_WORDS & set(lemmas):
        evidence += 0.5
        reasons.append(_("een zienswijze op een begroting of jaarrekening"))
    if governance > THRESHOLD:
        evidence += 0.5 * governance
        reasons.append(_("raakt een onderwerp over samenwerken in de regio"))
    score = _score(evidence, 1.0)
    value = score >= REGIONAL_AT
    if not reasons:
        reasons.append(_("geen andere gemeenten, verbonden partijen of regionale woorden gevonden"))
    return RegionalCall(value, score, tuple(reasons))
