"""Drafting, saving and submitting a proposal's regional check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from regioagenda.core.concurrency import EditConflict
from regioagenda.proposals.checks import (
    Affected,
    CheckAnswers,
    current_check,
    draft_for,
    save_draft,
    submit,
)
from regioagenda.proposals.models import Effect, ImpactCheck
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality
from regioagenda.registry.tests.factories import make_body
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(leiden):
    return make_proposal(leiden)


def answers(region, **values) -> CheckAnswers:
    theme = Theme.objects.filter(region=region).order_by("position").first()
    given = {
        "themes": [theme],
        "topics": list(Topic.objects.filter(theme=theme)[:1]),
        "regional": True,
        "consequences": "Meer verkeer op de Oude Vest, ook uit Leiderdorp.",
        "affected": [Affected("GM0547", "Leiderdorp", Effect.NEGATIVE, "Meer verkeer.")],
    }
    return CheckAnswers(**{**given, **values})


def test_a_submitted_check_is_the_proposals_check_and_stays_as_it_was(
    leidse_regio, proposal, leiden_editor
):
    draft = draft_for(proposal, by=leiden_editor)
    saved = save_draft(draft, answers(leidse_regio), version=draft.version, by=leiden_editor)
    submitted = submit(saved, version=saved.version, by=leiden_editor)

    assert current_check(proposal) == submitted
    assert submitted.state == ImpactCheck.State.SUBMITTED
    assert submitted.submitted_by == leiden_editor
    affected = submitted.affected.get()
    assert (affected.code, affected.municipality.name, affected.effect) == (
        "GM0547",
        "Leiderdorp",
        Effect.NEGATIVE,
    )
    with pytest.raises(ValidationError, match="ingediend"):
        save_draft(
            submitted, CheckAnswers(regional=False), version=submitted.version, by=leiden_editor
        )
    submitted.refresh_from_db()
    assert submitted.regional is True


def test_a_new_revision_starts_from_the_submitted_answers(leidse_regio, proposal, leiden_editor):
    first = draft_for(proposal, by=leiden_editor)
    first = save_draft(first, answers(leidse_regio), version=first.version, by=leiden_editor)
    first = submit(first, version=first.version, by=leiden_editor)

    second = draft_for(proposal, by=leiden_editor)

    assert second.revision == 2
    assert second.state == ImpactCheck.State.DRAFT
    assert second.consequences == first.consequences
    assert list(second.themes.all()) == list(first.themes.all())
    assert [a.code for a in second.affected.all()] == ["GM0547"]
    # Asking again gives the same draft, not a third revision.
    assert draft_for(proposal, by=leiden_editor) == second
    assert current_check(proposal) == first


def test_two_editors_saving_the_same_draft_version_conflict(
    leidse_regio, proposal, leiden_editor, coordinator
):
    draft = draft_for(proposal, by=leiden_editor)
    save_draft(draft, answers(leidse_regio), version=draft.version, by=leiden_editor)

    with pytest.raises(EditConflict):
        save_draft(
            draft,
            answers(leidse_regio, consequences="Anders."),
            version=draft.version,
            by=coordinator,
        )
    draft.refresh_from_db()
    assert draft.consequences.startswith("Meer verkeer")


def test_an_editor_of_another_municipality_may_not_write_the_check(
    proposal, oegstgeest_editor, leiden_editor
):
    with pytest.raises(PermissionDenied):
        draft_for(proposal, by=oegstgeest_editor)
    draft = draft_for(proposal, by=leiden_editor)
    with pytest.raises(PermissionDenied):
        save_draft(draft, CheckAnswers(), version=draft.version, by=oegstgeest_editor)
    assert proposal.checks.count() == 1


def test_the_region_coordinator_may_write_every_municipalitys_check(proposal, coordinator):
    assert draft_for(proposal, by=coordinator).revision == 1


@pytest.mark.parametrize(
    ("wrong", "field"),
    [
        ("own_municipality", "affected"),
        ("theme_of_another_region", "themes"),
        ("body_of_another_region", "joint_bodies"),
        ("coordinate_with_itself", "coordinate_with"),
    ],
)
def test_answers_outside_the_region_are_refused_naming_the_field(
    leidse_regio, kustregio, proposal, leiden_editor, wrong, field
):
    leiden = proposal.municipality
    values = {
        "own_municipality": {"affected": [Affected("GM0546", "Leiden")]},
        "theme_of_another_region": {"themes": [Theme.objects.filter(region=kustregio).first()]},
        "body_of_another_region": {"joint_bodies": [make_body(kustregio)]},
        "coordinate_with_itself": {"coordinate_with": [leiden]},
    }[wrong]
    draft = draft_for(proposal, by=leiden_editor)

    with pytest.raises(ValidationError) as refused:
        save_draft(draft, CheckAnswers(**values), version=draft.version, by=leiden_editor)

    assert field in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.version == 1 and not draft.affected.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"regional": None}, "regional"),
        ({"regional": True, "consequences": ""}, "consequences"),
        ({"regional": False, "coordination_needed": True}, "coordinate_with"),
    ],
)
def test_an_incomplete_check_cannot_be_submitted(proposal, leiden_editor, values, field):
    draft = draft_for(proposal, by=leiden_editor)
    draft = save_draft(draft, CheckAnswers(**values), version=draft.version, by=leiden_editor)

    with pytest.raises(ValidationError) as refused:
        submit(draft, version=draft.version, by=leiden_editor)

    assert field in refused.value.message_dict
    assert current_check(proposal) is None


def test_a_neighbour_outside_the_region_is_affected_by_code(leidse_regio, proposal, leiden_editor):
    draft = draft_for(proposal, by=leiden_editor)
    saved = save_draft(
        draft,
        CheckAnswers(affected=[Affected("gm0537", " Katwijk ", Effect.POSITIVE)]),
        version=draft.version,
        by=leiden_editor,
    )
    affected = saved.affected.get()
    assert (affected.code, affected.name, affected.municipality) == ("GM0537", "Katwijk", None)
    assert not Municipality.objects.filter(code="GM0537", region=leidse_regio).exists()
