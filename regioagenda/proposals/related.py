"""Proposals of other municipalities that are about the same thing, each with why.

    related_proposals(proposal, limit=10)   -> [Related(proposal, score, reason, ...)]
    text_of(proposal)                       the text a proposal's suggestions are made from

A proposal of another municipality in the same region is related when its date lies within
`WINDOW` of this one's and it either shares a topic with this proposal's check (its own last
submitted revision against this proposal's latest revision, draft or not) or its text is similar:
the cosine of their TF-IDF vectors over lemmatised content words (vocabulary.tokens, without the
words every proposal says) reaches `SIMILAR_AT` with at least `MIN_SHARED` words in common.
Only public proposals are offered (no drafts): the list is shown beside the check and names the
other municipality's work.

Cost: three queries (the candidates in the window, the first `TEXT_CHARS` characters of their
documents, the topics of their submitted checks), then O(C * L) work for C candidates of at most
`TEXT_CHARS` characters each: every candidate's text is tokenised once (lemmas are cached by
vocabulary.lemma), and the document frequencies are counted over the candidates in the window.
"""

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from regioagenda.proposals import vocabulary
from regioagenda.proposals.models import (
    ImpactCheck,
    Proposal,
    ProposalDocument,
    ProposalStatus,
)

WINDOW = datetime.timedelta(days=365)
# Enough of a document to say what it is about, and a bound on the work per candidate.
TEXT_CHARS = 20_000
SIMILAR_AT = 0.2
MIN_SHARED = 2
REASON_WORDS = 5


@dataclass(frozen=True)
class Related:
    proposal: Proposal
    score: float
    reason: str
    topics: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    similarity: float = 0.0


def text_of(proposal: Proposal, documents: list[str] | None = None) -> str:
    """Its documents' text joined, else the pasted text, else its title and summary."""
    if documents is None:
        documents = list(proposal.documents.values_list("text", flat=True))
    joined = "\n\n".join(t for t in documents if t.strip())
    if joined.strip():
        return joined
    if proposal.text.strip():
        return proposal.text
    return f"{proposal.title}\n\n{proposal.summary}".strip()


def _candidates(proposal: Proposal) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(
            municipality__region_id=proposal.municipality.region_id,
            date__gte=proposal.date - WINDOW,
            date__lte=proposal.date + WINDOW,
        )
        .exclude(municipality_id=proposal.municipality_id)
        .exclude(status=ProposalStatus.DRAFT)
    )


def _documents(candidates: QuerySet[Proposal]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        ProposalDocument.objects.filter(proposal__in=candidates.values("pk"))
        .annotate(head=Substr("text", 1, TEXT_CHARS))
        .order_by("proposal_id", "pk")
        .values_list("proposal_id", "head")
    )
    for proposal_id, head in rows:
        texts[proposal_id].append(head)
    return texts


def _submitted_topics(candidates: QuerySet[Proposal]) -> dict[int, dict[int, str]]:
    """Per candidate, the topics of its last submitted revision."""
    rows = (
        ImpactCheck.topics.through.objects.filter(
            impactcheck__proposal__in=candidates.values("pk"),
            impactcheck__state=ImpactCheck.State.SUBMITTED,
        )
        .order_by("impactcheck__proposal_id", "-impactcheck__revision")
        .values_list(
            "impactcheck__proposal_id", "impactcheck__revision", "topic_id", "topic__title"
        )
    )
    latest: dict[int, int] = {}
    topics: dict[int, dict[int, str]] = defaultdict(dict)
    for proposal_id, revision, topic_id, title in rows:
        if latest.setdefault(proposal_id, revision) == revision:
            topics[proposal_id][topic_id] = title
    return topics


def _own_topics(proposal: Proposal) -> dict[int, str]:
    latest = proposal.checks.order_by("-revision").first()
    if latest is None:
        return {}
    return dict(latest.topics.values_list("pk", "title"))


def _terms(text: str) -> tuple[Counter[str], dict[str, str]]:
    counts: Counter[str] = Counter()
    surfaces: dict[str, str] = {}
    for token in vocabulary.tokens(text[:TEXT_CHARS]):
        word = token.lemma
        if len(word) < 3 or word in vocabulary.PROPOSAL_WORDS:
            continue
        counts[word] += 1
        surfaces.setdefault(word, token.surface.casefold())
    return counts, surfaces


def _vector(counts: Counter[str], idf: dict[str, float]) -> tuple[dict[str, float], float]:
    weights = {w: (1 + math.log(n)) * idf[w] for w, n in counts.items()}
    return weights, math.sqrt(sum(v * v for v in weights.values()))


def _related_text(proposal: Proposal, documents: list[str]) -> str:
    body = text_of(proposal, documents)
    heading = f"{proposal.title}\n\n{proposal.summary}".strip()
    return body if body == heading else f"{heading}\n\n{body}"


def related_proposals(proposal: Proposal, *, limit: int = 10) -> list[Related]:
    """The other municipalities' proposals most like this one, strongest first."""
    candidates_qs = _candidates(proposal)
    candidates = list(candidates_qs.select_related("municipality"))
    if not candidates:
        return []
    documents = _documents(candidates_qs)
    topics = _submitted_topics(candidates_qs)
    own_topics = _own_topics(proposal)

    own_documents = [t[:TEXT_CHARS] for t in proposal.documents.values_list("text", flat=True)]
    own_counts, surfaces = _terms(_related_text(proposal, own_documents))
    counted = [_terms(_related_text(c, documents.get(c.pk, [])))[0] for c in candidates]
    frequency: Counter[str] = Counter(own_counts.keys())
    for counts in counted:
        frequency.update(counts.keys())
    total = len(candidates) + 1
    # Smoothed inverse document frequency: a word in every text still counts a little.
    idf = {w: math.log((1 + total) / (1 + n)) + 1 for w, n in frequency.items()}
    own_vector, own_norm = _vector(own_counts, idf)

    found = []
    for candidate, counts in zip(candidates, counted, strict=True):
        shared_topics = sorted(
            title for pk, title in topics.get(candidate.pk, {}).items() if pk in own_topics
        )
        vector, norm = _vector(counts, idf)
        shared = {w: own_vector[w] * vector[w] for w in own_vector.keys() & vector.keys()}
        similarity = sum(shared.values()) / (own_norm * norm) if own_norm and norm else 0.0
        similar = similarity >= SIMILAR_AT and len(shared) >= MIN_SHARED
        if not shared_topics and not similar:
            continue
        words = tuple(
            surfaces[w] for w in sorted(shared, key=lambda w: (-shared[w], w))[:REASON_WORDS]
        )
        reasons = [_("zelfde onderwerp: %(topic)s") % {"topic": title} for title in shared_topics]
        if similar:
            reasons.append(
                _("vergelijkbare tekst: woorden %(words)s") % {"words": ", ".join(words)}
            )
        found.append(
            Related(
                proposal=candidate,
                score=round(similarity + (1.0 if shared_topics else 0.0), 3),
                reason="; ".join(reasons),
                topics=tuple(shared_topics),
                words=words if similar else (),
                similarity=round(similarity, 3),
            )
        )
    found.sort(key=lambda r: (-r.score, abs((r.proposal.date - proposal.date).days), r.proposal.pk))
    return found[:limit]
