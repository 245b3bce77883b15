"""The regional paragraph of an offering form ("aanbiedingsformulier"), written from a check.

The vision agrees that an offering form states a proposal's regional aspects and consequences.
`regional_paragraph` turns a submitted check into that paragraph in plain Dutch, one sentence per
answer, ready to paste; `paragraph_docx` gives the same text as a Word document. The paragraph
is part of a municipality's Dutch document, so it is Dutch whatever the reader's language.
"""

import io

from docx import Document

from regioagenda.proposals.models import Consistency, Effect, ImpactCheck

HEADING = "Regionale aspecten en consequenties"

EFFECT_WORDS: dict[str, str] = {
    Effect.POSITIVE: "positief",
    Effect.NEGATIVE: "negatief",
    Effect.MIXED: "positief en negatief",
    Effect.UNKNOWN: "nog niet bekend",
}


def _list(names: list[str]) -> str:
    """Leiden; Leiden en Oegstgeest; Leiden, Oegstgeest en Voorschoten."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} en {names[-1]}"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else f"{text}."


def paragraph_lines(check: ImpactCheck) -> list[str]:
    """The paragraph as sentences, in the order an offering form asks for them. Sorting is done
    here, not in the database, so that a list of checks with its relations prefetched writes
    every paragraph without a query more."""
    proposal = check.proposal
    region = proposal.municipality.region
    lines: list[str] = []
    if check.regional:
        lines.append(
            f"Dit voorstel heeft gevolgen buiten de gemeente {proposal.municipality.name} en is "
            f"daarom regionaal getoetst."
        )
    elif check.regional is False:
        lines.append(
            f"Dit voorstel heeft naar verwachting geen gevolgen buiten de gemeente "
            f"{proposal.municipality.name}; het is lokaal van aard."
        )
    themes = [t.title for t in sorted(check.themes.all(), key=lambda t: t.position)]
    topics = [
        t.title for t in sorted(check.topics.all(), key=lambda t: (t.theme.position, t.position))
    ]
    if themes:
        sentence = (
            f"Het raakt {'het thema' if len(themes) == 1 else 'de thema’s'} {_list(themes)} "
            f"van {region.source_title or region.name}"
        )
        if topics:
            sentence += f", in het bijzonder {_list(topics)}"
        lines.append(sentence + ".")
    affected = sorted(check.affected.all(), key=lambda a: a.name)
    if affected:
        parts = [
            f"{a.name} ({EFFECT_WORDS.get(a.effect, a.effect)}"
            + (f": {' '.join(a.explanation.split()).rstrip('.')}" if a.explanation.strip() else "")
            + ")"
            for a in affected
        ]
        lines.append(f"Het raakt de gemeente{'n' if len(parts) > 1 else ''} {_list(parts)}.")
    bodies = sorted(b.name for b in check.joint_bodies.all())
    if bodies:
        lines.append(
            f"Het betreft {'de verbonden partij' if len(bodies) == 1 else 'de verbonden partijen'} "
            f"{_list(bodies)}."
        )
    actions = sorted(a.title for a in check.actions.all())
    consistencies: dict[str, str] = {
        Consistency.CONSISTENT: "Het voorstel past in de strategische agenda en de "
        "uitvoeringsagenda van de regio",
        Consistency.PARTLY: "Het voorstel past deels in de strategische agenda en de "
        "uitvoeringsagenda van de regio",
        Consistency.INCONSISTENT: "Het voorstel wijkt af van de strategische agenda of de "
        "uitvoeringsagenda van de regio",
    }
    consistency = consistencies.get(check.consistency)
    if consistency:
        if actions:
            consistency += f" (actie{'s' if len(actions) > 1 else ''}: {_list(actions)})"
        lines.append(consistency + ".")
    if check.consistency_note.strip():
        lines.append(_sentence(check.consistency_note))
    if check.coordination_needed:
        partners = sorted(m.name for m in check.coordinate_with.all())
        lines.append(f"Vóór het besluit is regionale afstemming nodig met {_list(partners)}.")
        if check.coordination_note.strip():
            lines.append(_sentence(check.coordination_note))
    elif check.regional:
        lines.append("Regionale afstemming vóór het besluit is niet nodig.")
    if check.consequences.strip():
        lines.append(_sentence(check.consequences))
    return lines


def regional_paragraph(check: ImpactCheck) -> str:
    """The paragraph as one text, with its heading."""
    return f"{HEADING}\n\n{' '.join(paragraph_lines(check))}"


def paragraph_docx(check: ImpactCheck) -> bytes:
    """The paragraph as a Word document, with the proposal named above it."""
    document = Document()
    document.core_properties.title = f"Regionale paragraaf: {check.proposal.title}"
    document.core_properties.language = "nl-NL"
    document.add_heading(HEADING, level=1)
    document.add_paragraph(f"{check.proposal.number} — {check.proposal.title}")
    document.add_paragraph(" ".join(paragraph_lines(check)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
