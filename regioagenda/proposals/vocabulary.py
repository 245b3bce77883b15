"""The Dutch vocabulary that points a text to the region's themes and topics.

Built from the region's own texts — each theme's title, ambition and summary, each topic's title
and summary — and the curated `Term` rows. Words are lemmatised with simplemma ("woningen" and
"woning" are one word) and stop words are dropped. A word weighs more in a theme or topic the more
often its text uses it, and less the more of the other texts use it too (inverse document
frequency): "regio" or "samen", which every topic says, count for almost nothing. A curated term
counts as if its theme or topic text said it twice its weight in times.

Dutch glues words together ("woningbouwopgave", "huurwoningen"); a text word that starts or ends
with a vocabulary word of at least six letters, or that begins one, counts at half weight.
"""

import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import simplemma

from regioagenda.proposals.models import GazetteerEntry, Term
from regioagenda.regions.models import Region
from regioagenda.vision.models import Theme, Topic

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# A vocabulary word inside a compound must be this long, so that "weg" does not match "wegen"
# everywhere and "park" not "parkeren".
COMPOUND_MIN = 6
COMPOUND_FACTOR = 0.5
TITLE_REPEAT = 2
TERM_REPEAT = 2

_STOP_WORDS = """
    aan al alle alleen als altijd andere ben bij binnen daar daarbij daarom dan dat de deze die
    dit doen door dus een eens en er ermee geen haar had heb hebben heeft hem het hier hij hoe hun
    ik in is ja je kan kunnen komen maar me meer men met mij mijn moet na naar niet niets nog nu
    of om omdat onder ons ook op over reeds samen te tegen toch toe tot u uit uw van veel voor
    want waren was wat we wel werd wie wij wil worden wordt zal ze zelf zich zij zijn zo zoals
    zonder zou zullen worden zowel waarbij waarin waardoor welke onze ieder iedere elk elke ene
    echter
    verder vooral daarnaast hierbij hiervoor hoe steeds extra goed goede nieuw nieuwe gaan gaat
    maken laten krijgen staan blijven blijft houden komt kunnen moeten willen zodat zo'n ongeveer
    onder meer bijvoorbeeld zoals één twee drie vier vijf zes zeven acht negen tien jaar jaren
    """
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Words that every council or college proposal says, whatever its subject: no evidence of one.
_PROPOSAL_WORDS = """
    gemeente gemeenten regio regionaal regionale programma beleid plan agenda college raad
    gemeenteraad besluit besluiten voorstel raadsvoorstel vaststellen vaststelling evaluatie
    uitvoering uitvoeren kader kaders nota stad dorp dorpen inwoners aanpak doel doelen
    opstellen zorgen werken ontwikkelen aandacht manier onderzoeken concreet concrete hele
    ambitie uitgangspunt doelstelling versterken lokaal lokale visie stap eerste samenhang
    """
PROPOSAL_WORDS = frozenset(_PROPOSAL_WORDS.split())


def fold(word: str) -> str:
    """Lower case without accents, so that "één" and "een", "Rijn" and "rijn" compare equal."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


@lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    folded = fold(word)
    return fold(simplemma.lemmatize(folded, lang="nl"))


@dataclass(frozen=True)
class Token:
    lemma: str
    surface: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The content words of a text, lemmatised, with where they stand."""
    found = []
    for match in WORD.finditer(text):
        surface = match.group()
        if len(surface) < 2 or surface.isdigit():
            continue
        base = lemma(surface)
        if base in STOP_WORDS or fold(surface) in STOP_WORDS:
            continue
        found.append(Token(base, surface, match.start(), match.end()))
    return found


@dataclass(frozen=True)
class Target:
    """A theme or a topic the vocabulary can point to."""

    kind: str  # "theme" or "topic"
    slug: str
    title: str
    theme_slug: str
    governance: bool


@dataclass
class Vocabulary:
    targets: list[Target]
    # lemma -> target index -> weight
    words: dict[str, dict[int, float]] = field(default_factory=dict)
    # lemma sequence of a curated phrase -> target index -> weight
    phrases: dict[tuple[str, ...], dict[int, float]] = field(default_factory=dict)
    _sorted: list[str] = field(default_factory=list)

    def matches(self, word: str) -> Iterator[tuple[str, float]]:
        """Vocabulary words that `word` is, or holds as part of a compound, with a factor."""
        if word in self.words:
            yield word, 1.0
            return
        if len(word) < COMPOUND_MIN:
            return
        seen = set()
        for cut in range(COMPOUND_MIN, len(word)):
            # The head of a compound carries its inflection: "flexwoningen" ends in "woning".
            tail = word[len(word) - cut :]
            for part in (word[:cut], tail, lemma(tail)):
                if part in self.words and part not in seen:
                    seen.add(part)
                    yield part, COMPOUND_FACTOR
        # The text word may begin a longer vocabulary word ("woningbouw" in the topic's
        # "woningbouwprogramma"); the sorted list finds those without scanning every word.
        position = bisect_left(self._sorted, word)
        while position < len(self._sorted) and self._sorted[position].startswith(word):
            longer = self._sorted[position]
            if longer != word and longer not in seen:
                seen.add(longer)
                yield longer, COMPOUND_FACTOR
            position += 1


def _lemmas(text: str) -> list[str]:
    return [token.lemma for token in tokens(text)]


def build_vocabulary(region: Region) -> Vocabulary:
    themes = list(Theme.objects.filter(region=region).order_by("position"))
    topics = list(Topic.objects.filter(region=region).select_related("theme"))
    targets = [Target("theme", t.slug, t.title, t.slug, t.is_governance) for t in themes]
    targets += [
        Target("topic", t.slug, t.title, t.theme.slug, t.theme.is_governance) for t in topics
    ]
    index = {(target.kind, target.slug): i for i, target in enumerate(targets)}
    counts: list[defaultdict[str, float]] = [defaultdict(float) for _ in targets]

    def count(target: int, title: str, text: str) -> None:
        for word in _lemmas(title):
            counts[target][word] += TITLE_REPEAT
        for word in _lemmas(text):
            counts[target][word] += 1

    for theme in themes:
        count(index["theme", theme.slug], theme.title, f"{theme.ambition} {theme.summary}")
    for topic in topics:
        count(index["topic", topic.slug], topic.title, topic.summary)

    phrase_counts: dict[tuple[str, ...], defaultdict[int, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    for term in Term.objects.filter(region=region).select_related("theme", "topic"):
        target = (
            index.get(("topic", term.topic.slug))
            if term.topic
            else index.get(("theme", term.theme.slug))
            if term.theme
            else None
        )
        if target is None:
            continue
        parts = tuple(_lemmas(term.text))
        repeat = TERM_REPEAT * float(term.weight)
        if len(parts) == 1:
            counts[target][parts[0]] += repeat
        elif parts:
            phrase_counts[parts][target] += repeat

    total = len(targets)
    document_frequency: Counter[str] = Counter()
    for words in counts:
        document_frequency.update(words.keys())
    vocabulary = Vocabulary(targets)
    # Place names say where, not what: "Leiden" must not point to the topic that names it.
    ignored = PROPOSAL_WORDS | {
        lemma(name)
        for name in GazetteerEntry.objects.filter(region=region).values_list("name", flat=True)
        if " " not in name and "-" not in name
    }
    for i, words in enumerate(counts):
        for word, times in words.items():
            if word in ignored:
                continue
            weight = _weight(times, document_frequency[word], total)
            if weight > 0:
                vocabulary.words.setdefault(word, {})[i] = weight
    for phrase, by_target in phrase_counts.items():
        for i, times in by_target.items():
            weight = _weight(times, len(by_target), total)
            vocabulary.phrases.setdefault(phrase, {})[i] = weight
    vocabulary._sorted = sorted(vocabulary.words)
    return vocabulary


def _weight(count: float, frequency: int, total: int) -> float:
    """TF-IDF, scaled so that a word of one text only, said once, weighs 1."""
    if total < 2:
        return 1.0
    return (1 + math.log(max(count, 1))) * math.log(total / frequency) / math.log(total)


@dataclass
class Evidence:
    """What matched one target: raw score, and per surface word its contribution and count."""

    raw: float = 0.0
    # per lemma: its contribution, times found, and how the text first wrote it
    words: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, key: str, surface: str, weight: float, times: int = 1) -> None:
        self.raw += weight
        entry = self.words.setdefault(key, [0.0, 0, surface])
        entry[0] += weight
        entry[1] += times

    def reasons(self, limit: int = 6) -> list[str]:
        ranked = sorted(self.words.values(), key=lambda entry: -entry[0])[:limit]
        return [
            f"“{surface}”" + (f" ({count}×)" if count > 1 else "") for _, count, surface in ranked
        ]


def match(vocabulary: Vocabulary, found: Iterable[Token]) -> dict[int, Evidence]:
    """Per target, the evidence in the text; a word said more often counts logarithmically."""
    found = list(found)
    evidence: dict[int, Evidence] = defaultdict(Evidence)
    occurrences: dict[tuple[int, str], int] = Counter()
    used: set[int] = set()
    lemmas = [token.lemma for token in found]
    longest = max((len(p) for p in vocabulary.phrases), default=0)
    for start in range(len(found)):
        for size in range(min(longest, len(found) - start), 1, -1):
            phrase = tuple(lemmas[start : start + size])
            if phrase in vocabulary.phrases:
                surface = " ".join(t.surface for t in found[start : start + size]).casefold()
                for i, weight in vocabulary.phrases[phrase].items():
                    _add(evidence, occurrences, i, " ".join(phrase), surface, weight)
                used.update(range(start, start + size))
                break
    for position, token in enumerate(found):
        if position in used:
            continue
        for word, factor in vocabulary.matches(token.lemma):
            for i, weight in vocabulary.words[word].items():
                surface = token.surface.casefold()
                _add(evidence, occurrences, i, token.lemma, surface, weight * factor)
    return evidence


def _add(
    evidence: dict[int, Evidence],
    occurrences: dict[tuple[int, str], int],
    target: int,
    key: str,
    surface: str,
    weight: float,
) -> None:
    # The first mention counts fully, later ones less: a long document repeats its subject.
    seen = occurrences[target, key]
    occurrences[target, key] = seen + 1
    evidence[target].add(key, surface, weight if seen == 0 else weight / (seen + 1))
