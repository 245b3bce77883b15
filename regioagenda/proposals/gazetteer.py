"""Find places and joint bodies named in a text, and resolve them to municipalities and bodies.

Names are compared word by word after folding: lower case, no accents, "ij" read as "y"
("Teijlingen" = "Teylingen"), hyphens and apostrophes as spaces and spaces optional
("Zoeterwoude-Rijndijk" = "Zoeterwoude Rijndijk", "Biosciencepark" = "Bio Science Park"). A name
followed by -s, -se, -er or -ers counts ("Leiderdorps", "Oegstgeester"); other spelling variants
count when rapidfuzz rates them at least `FUZZY_MIN` and the name has at least eight letters.
Where names overlap, the longest wins: "Katwijk aan den Rijn" is one place, not two.

Ambiguous names — marked `ambiguous` in the gazetteer, or a name that lies in more than one
municipality — count only with context: the municipality they lie in is named (its own name or
one of its unambiguous places) within `CONTEXT_WORDS` words before or after, or, for a name that
lies in one municipality only, it is written with a capital and directly preceded by a word such
as "wijk", "buurt", "dorp", "kern" or "polder" ("in de wijk Vogelwijk").

The region as a whole counts for all its municipalities: its name ("Leidse regio"),
"regiogemeenten", "de vijf gemeenten" and "de vier andere gemeenten" (the numbers follow from
the region's number of municipalities).

Joint bodies are found by their name and the abbreviations in the register, as whole words;
a short abbreviation in capitals ("ODWH", "SP71") only in capitals.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from regioagenda.proposals.models import GazetteerEntry, PlaceKind
from regioagenda.regions.models import Region
from regioagenda.registry.models import JointBody

WORD = re.compile(r"[^\W_]+")
FUZZY_MIN = 90
FUZZY_MIN_LENGTH = 8
SUFFIXES = ("s", "se", "er", "ers")
CONTEXT_WORDS = 12
CUES = frozenset({"wijk", "woonwijk", "buurt", "dorp", "kern", "buurtschap", "polder", "gebied"})
NUMBERS = {
    2: "twee",
    3: "drie",
    4: "vier",
    5: "vijf",
    6: "zes",
    7: "zeven",
    8: "acht",
    9: "negen",
    10: "tien",
    11: "elf",
    12: "twaalf",
    13: "dertien",
    14: "veertien",
    15: "vijftien",
}
MUNICIPALITY_WORDS = ("gemeente", "gemeenten", "gemeentes", "gemeentebesturen", "regiogemeenten")


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ij", "y")


@dataclass(frozen=True)
class Word:
    folded: str
    start: int
    end: int
    capital: bool


def words(text: str) -> list[Word]:
    return [
        Word(fold(m.group()), m.start(), m.end(), m.group()[0].isupper())
        for m in WORD.finditer(text)
    ]


def snippet(text: str, start: int, end: int, around: int = 40) -> str:
    """The passage around a match, cut at whole words, on one line."""
    left = max(0, start - around)
    right = min(len(text), end + around)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    passage = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + passage + ("…" if right < len(text) else "")


@dataclass(frozen=True)
class Place:
    name: str
    form: str  # the folded form, without spaces
    size: int  # words in the form
    kind: str
    municipality_code: str
    municipality_name: str
    in_region: bool
    ambiguous: bool


@dataclass(frozen=True)
class Hit:
    first: int  # word positions, end exclusive
    last: int
    exact: bool
    places: tuple[Place, ...]


@dataclass
class Gazetteer:
    places: dict[str, list[Place]] = field(default_factory=dict)  # by the form's first 3 letters
    region_name: tuple[str, ...] = ()
    municipalities: dict[str, str] = field(default_factory=dict)  # the region's, code -> name
    # Short abbreviations in capitals, matched as written; other names folded, by first letters.
    body_capitals: list[tuple[JointBody, str]] = field(default_factory=list)
    body_forms: dict[str, list[tuple[JointBody, str, str, int]]] = field(default_factory=dict)


def build_gazetteer(region: Region) -> Gazetteer:
    gazetteer = Gazetteer()
    municipalities = dict(region.municipalities.values_list("code", "name"))  # type: ignore[attr-defined]
    gazetteer.municipalities = municipalities
    gazetteer.region_name = tuple(w.folded for w in words(region.name))
    by_form: dict[str, list[Place]] = defaultdict(list)
    for entry in GazetteerEntry.objects.filter(region=region):
        for name in [entry.name, *entry.variant_list]:
            folded = [w.folded for w in words(name)]
            if not folded:
                continue
            form = "".join(folded)
            place = Place(
                name=entry.name,
                form=form,
                size=len(folded),
                kind=entry.kind,
                municipality_code=entry.municipality_code,
                municipality_name=entry.municipality_name,
                in_region=entry.municipality_code in municipalities,
                ambiguous=entry.ambiguous,
            )
            if place not in by_form[form]:
                by_form[form].append(place)
    # A name that lies in more than one municipality is ambiguous wherever it lies.
    for form, places in by_form.items():
        shared = len({p.municipality_code for p in places}) > 1
        for place in places:
            if shared and not place.ambiguous:
                place = replace(place, ambiguous=True)
            gazetteer.places.setdefault(form[:3], []).append(place)
    for body in JointBody.objects.filter(region=region):
        forms = [body.name, *(a.strip() for a in body.abbreviations.split(",") if a.strip())]
        for form in (f.strip("“”\"' ") for f in forms):
            if _is_short_capitals(form):
                gazetteer.body_capitals.append((body, form))
                continue
            folded = [w.folded for w in words(form)]
            joined = "".join(folded)
            if joined:
                gazetteer.body_forms.setdefault(joined[:3], []).append(
                    (body, form, joined, len(folded))
                )
    return gazetteer


def _joined(found: list[Word], first: int, last: int) -> str:
    return "".join(w.folded for w in found[first:last])


def _compare(window: str, form: str) -> tuple[bool, bool]:
    """(matches, exactly)."""
    if window == form:
        return True, True
    if window.startswith(form) and window[len(form) :] in SUFFIXES:
        return True, True
    if len(form) >= FUZZY_MIN_LENGTH and abs(len(window) - len(form)) <= 3:
        return fuzz.ratio(window, form, score_cutoff=FUZZY_MIN) > 0, False
    return False, False


def find_places(gazetteer: Gazetteer, found: list[Word], blocked: set[int]) -> list[Hit]:
    """Every place named, longest first where names overlap; `blocked` words are skipped."""
    candidates: list[Hit] = []
    for first in range(len(found)):
        if first in blocked:
            continue
        prefix = _joined(found, first, min(first + 3, len(found)))[:3]
        by_window: dict[tuple[int, bool], list[Place]] = defaultdict(list)
        for place in gazetteer.places.get(prefix, []):
            for size in range(max(1, place.size - 2), place.size + 2):
                last = first + size
                if last > len(found) or blocked & set(range(first, last)):
                    continue
                matched, exact = _compare(_joined(found, first, last), place.form)
                if matched:
                    by_window[last, exact].append(place)
                    break
        candidates.extend(
            Hit(first, last, exact, tuple(places)) for (last, exact), places in by_window.items()
        )
    candidates.sort(key=lambda hit: (-(hit.last - hit.first), not hit.exact, hit.first))
    taken: set[int] = set()
    hits = []
    for hit in candidates:
        span = set(range(hit.first, hit.last))
        if span & taken:
            continue
        taken |= span
        hits.append(hit)
    return sorted(hits, key=lambda hit: hit.first)


def resolve(hits: list[Hit], found: list[Word]) -> list[tuple[Hit, Place]]:
    """The place each hit means, where the context decides; ambiguous hits without context drop.

    A municipality counts as context when its own name or one of its unambiguous places is named
    within `CONTEXT_WORDS` words (see the module's docstring)."""
    plain: dict[str, list[int]] = defaultdict(list)  # municipality code -> word positions
    for hit in hits:
        for place in hit.places:
            if not place.ambiguous:
                plain[place.municipality_code].append(hit.first)
    resolved = []
    for hit in hits:
        sure = [p for p in hit.places if not p.ambiguous]
        if sure:
            resolved.append((hit, sure[0]))
            continue
        near = [
            p
            for p in hit.places
            if any(abs(at - hit.first) <= CONTEXT_WORDS for at in plain[p.municipality_code])
        ]
        if near:
            resolved.append((hit, near[0]))
            continue
        codes = {p.municipality_code for p in hit.places}
        cue = hit.first > 0 and found[hit.first - 1].folded in CUES
        if len(codes) == 1 and cue and found[hit.first].capital:
            resolved.append((hit, hit.places[0]))
    return resolved


def find_region_mentions(gazetteer: Gazetteer, found: list[Word], blocked: set[int]) -> list[Hit]:
    """Where the text means all municipalities of the region; returned as hits without places."""
    total = len(gazetteer.municipalities)
    counts = {str(total), fold(NUMBERS.get(total, ""))}
    others = {str(total - 1), fold(NUMBERS.get(total - 1, ""))}
    mentions = []
    name = gazetteer.region_name
    for i, word in enumerate(found):
        if i in blocked:
            continue
        if name and tuple(w.folded for w in found[i : i + len(name)]) == name:
            mentions.append(Hit(i, i + len(name), True, ()))
        elif word.folded in ("regiogemeenten", "regiogemeentes"):
            mentions.append(Hit(i, i + 1, True, ()))
        elif word.folded in counts and _next(found, i, 1) in MUNICIPALITY_WORDS:
            mentions.append(Hit(i, i + 2, True, ()))
        elif (
            word.folded in others
            and _next(found, i, 1) == "andere"
            and _next(found, i, 2) in MUNICIPALITY_WORDS
        ):
            mentions.append(Hit(i, i + 3, True, ()))
    return mentions


def _next(found: list[Word], i: int, step: int) -> str:
    return found[i + step].folded if i + step < len(found) else ""


@dataclass(frozen=True)
class BodyHit:
    body: JointBody
    form: str
    start: int
    end: int
    first: int
    last: int


def _is_short_capitals(form: str) -> bool:
    letters = form.replace(" ", "")
    return len(letters) <= 6 and letters.upper() == letters


def find_bodies(gazetteer: Gazetteer, text: str, found: list[Word]) -> list[BodyHit]:
    """Joint bodies named by their name or abbreviation, longest first where names overlap."""
    candidates = []
    for body, form in gazetteer.body_capitals:
        pattern = re.compile(rf"(?<![^\W_]){re.escape(form)}(?![^\W_])")
        for m in pattern.finditer(text):
            first = next(i for i, w in enumerate(found) if w.end > m.start())
            last = next((i for i, w in enumerate(found) if w.start >= m.end()), len(found))
            candidates.append(BodyHit(body, form, m.start(), m.end(), first, last))
    for first in range(len(found)):
        prefix = _joined(found, first, min(first + 3, len(found)))[:3]
        for body, form, joined, size in gazetteer.body_forms.get(prefix, []):
            for last in range(first + max(1, size - 2), min(first + size + 2, len(found) + 1)):
                if _joined(found, first, last) == joined:
                    start, end = found[first].start, found[last - 1].end
                    candidates.append(BodyHit(body, form, start, end, first, last))
                    break
    candidates.sort(key=lambda hit: (-(hit.end - hit.start), hit.start))
    taken: set[int] = set()
    hits = []
    for hit in candidates:
        span = set(range(hit.first, hit.last))
        if span & taken:
            continue
        taken |= span
        hits.append(hit)
    return sorted(hits, key=lambda hit: hit.start)


def is_municipality(place: Place) -> bool:
    return place.kind in (PlaceKind.MUNICIPALITY, PlaceKind.NEIGHBOUR)
