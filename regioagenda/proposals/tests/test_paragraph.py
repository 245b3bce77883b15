"""The regional paragraph written from a submitted check."""

import io

import pytest
from docx import Document

from regioagenda.proposals.checks import Affected, CheckAnswers, draft_for, save_draft, submit
from regioagenda.proposals.models import Consistency, Effect
from regioagenda.proposals.paragraph import paragraph_docx, paragraph_lines, regional_paragraph
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme

pytestmark = pytest.mark.django_db


def submitted(proposal, user, answers: CheckAnswers):
    draft = draft_for(proposal, by=user)
    draft = save_draft(draft, answers, version=draft.version, by=user)
    return submit(draft, version=draft.version, by=user)


def test_a_regional_check_becomes_a_paragraph_naming_every_answer(
    leidse_regio, leiden, leiden_editor
):
    proposal = make_proposal(leiden, title="Parkeren bij het station")
    theme = Theme.objects.filter(region=leidse_regio).order_by("position").first()
    oegstgeest = Municipality.objects.get(code="GM0579")
    check = submitted(
        proposal,
        leiden_editor,
        CheckAnswers(
            themes=[theme],
            regional=True,
            consistency=Consistency.PARTLY,
            consistency_note="het parkeerbeleid is nog niet regionaal afgestemd",
            coordination_needed=True,
            coordinate_with=[oegstgeest],
            consequences="Bezoekers parkeren vaker in Oegstgeest",
            affected=[
                Affected("GM0579", "Oegstgeest", Effect.NEGATIVE, "meer geparkeerde auto's."),
                Affected("GM0537", "Katwijk", Effect.POSITIVE),
            ],
        ),
    )

    text = regional_paragraph(check)

    assert text.startswith("Regionale aspecten en consequenties\n\n")
    assert "gevolgen buiten de gemeente Leiden" in text
    assert f"het thema {theme.title} van {leidse_regio.source_title}" in text
    assert (
        "de gemeenten Katwijk (positief) en Oegstgeest (negatief: meer geparkeerde auto's)" in text
    )
    assert "past deels in de strategische agenda" in text
    assert "Het parkeerbeleid" not in text and "het parkeerbeleid is nog niet" in text
    assert "regionale afstemming nodig met Oegstgeest." in text
    assert text.endswith("Bezoekers parkeren vaker in Oegstgeest.")


def test_a_local_check_says_so_in_one_sentence(leidse_regio, leiden, leiden_editor):
    check = submitted(make_proposal(leiden), leiden_editor, CheckAnswers(regional=False))
    assert paragraph_lines(check) == [
        "Dit voorstel heeft naar verwachting geen gevolgen buiten de gemeente Leiden; het is "
        "lokaal van aard."
    ]


def test_the_paragraph_as_a_word_document(leidse_regio, leiden, leiden_editor):
    proposal = make_proposal(leiden, number="RV 26.0099", title="Fietsroute")
    check = submitted(proposal, leiden_editor, CheckAnswers(regional=False))

    document = Document(io.BytesIO(paragraph_docx(check)))

    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Regionale aspecten en consequenties"
    assert document.paragraphs[0].style.name == "Heading 1"
    assert texts[1] == "RV 26.0099 — Fietsroute"
    assert texts[2] == " ".join(paragraph_lines(check))
    assert document.core_properties.language == "nl-NL"
