"""Where a submitted initiative goes: its policy domain, its strategic-agenda topic and the
competent bodies.

Kept simple enough to explain on the page:
- the domain is the one the submitter chose, or else the best match of the title and description
  in the competences' domain finder;
- the topic is the domain's topic that shares the most words (of four letters or more) with the
  title and description; with no shared word, the domain's first topic (a domain without topics
  uses its parent's);
- the competent bodies are those the question page names for the domain and place.
The moderator can correct the domain and topic when publishing.
"""

from dataclasses import dataclass, field

from regioagenda.competences.lookup import Answer, Where, find_domains, who_decides, words
from regioagenda.competences.models import Competence, Place, PolicyDomain
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Topic

# Common Dutch words that say nothing about a subject.
STOPWORDS = frozenset(
    [
        "deze",
        "dese",
        "zijn",
        "voor",
        "niet",
        "meer",
        "naar",
        "door",
        "over",
        "heeft",
        "hebben",
        "worden",
        "wordt",
        "kunnen",
        "moet",
        "graag",
        "willen",
        "zouden",
        "onze",
        "jullie",
        "alle",
        "veel",
        "zodat",
        "omdat",
        "want",
        "maar",
        "ook",
        "nog",
        "waar",
        "wanneer",
        "met",
        "een",
        "het",
        "van",
        "die",
        "dat",
        "wat",
        "wie",
        "hoe",
    ]
)


def meaningful_words(text: str) -> set[str]:
    return {word for word in words(text) if len(word) >= 4 and word not in STOPWORDS}


def best_topic(domain: PolicyDomain, text: str) -> Topic | None:
    """The domain's topic sharing most words with the text (a sub-domain without topics uses its
    parent's); with no shared word, the first."""
    topics: list[Topic] = []
    current: PolicyDomain | None = domain
    while current is not None and not topics:
        topics = list(current.topics.order_by("position", "pk"))
        current = current.parent
    if not topics:
        return None
    typed = meaningful_words(text)
    scored = [
        (len(typed & meaningful_words(f"{t.title} {t.title_en} {t.summary}")), -index, t)
        for index, t in enumerate(topics)
    ]
    return max(scored, key=lambda item: item[:2])[2]


@dataclass
class Routing:
    domain: PolicyDomain | None
    topic: Topic | None
    answer: Answer | None
    competences: list[Competence] = field(default_factory=list)


def route(
    region: Region,
    *,
    text: str,
    domain: PolicyDomain | None = None,
    municipality: Municipality | None = None,
    place: Place | None = None,
    topic: Topic | None = None,
) -> Routing:
    if domain is None:
        domain = next(iter(find_domains(region, text)), None)
    if domain is None:
        return Routing(domain=None, topic=topic, answer=None)
    answer = who_decides(domain, Where(region, municipality, place))
    return Routing(
        domain=domain,
        topic=topic or best_topic(domain, text),
        answer=answer,
        competences=answer.competences,
    )
