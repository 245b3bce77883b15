"""The data inventory stays true to the models, and its document stays generated from it."""

from io import StringIO

from django.core.management import call_command
from django.db import models

from regioagenda.privacy.inventory import (
    INVENTORY,
    NOT_PERSONAL,
    FieldInfo,
    PersonalField,
    installed_fields,
    inventory_problems,
    looks_personal,
)
from regioagenda.privacy.management.commands.privacy_inventory import document_path


def field(label: str, verbose_name: str = "", kind: type = models.CharField, user: bool = False):
    return FieldInfo(label=label, verbose_name=verbose_name, kind=kind, links_to_user=user)


def entry(label: str) -> PersonalField:
    model, name = label.rsplit(".", 1)
    return PersonalField(model, name, "naam", "doel", "grondslag", "termijn", "wie")


def test_every_installed_field_that_looks_personal_is_in_the_inventory_or_excused():
    assert inventory_problems(installed_fields()) == []


def test_a_new_personal_looking_field_missing_from_the_inventory_is_reported():
    fields = [
        field("events.Event.contact_phone", "telefoonnummer"),
        field("events.Event.contact", "adres van de contactpersoon"),
        field("events.Event.reply_to", "antwoord naar", kind=models.EmailField),
        field("events.Event.origin", "herkomst", kind=models.GenericIPAddressField),
        field("events.Event.reviewer", "beoordelaar", kind=models.ForeignKey, user=True),
        field("events.Event.born_on", "geboortedatum", kind=models.DateField),
        field("events.Event.title", "titel"),
    ]
    problems = inventory_problems(fields, inventory=[], not_personal=[])
    reported = [problem.split(" ")[0] for problem in problems]
    assert reported == [f.label for f in fields[:-1]]


def test_a_listed_or_excused_field_is_not_reported():
    fields = [field("meetings.Registration.name", "naam"), field("regions.Region.name", "naam")]
    assert (
        inventory_problems(
            fields,
            inventory=[entry("meetings.Registration.name")],
            not_personal=["regions.Region.name"],
        )
        == []
    )


def test_an_inventory_entry_for_a_field_that_no_longer_exists_is_reported():
    problems = inventory_problems(
        [field("meetings.Registration.name", "naam")],
        inventory=[entry("meetings.Registration.name"), entry("meetings.Registration.phone")],
        not_personal=["regions.Region.slogan"],
    )
    assert problems == [
        "meetings.Registration.phone staat in de inventaris maar bestaat niet (meer).",
        "regions.Region.slogan staat in de inventaris maar bestaat niet (meer).",
    ]


def test_web_addresses_files_and_slugs_do_not_look_personal():
    assert not looks_personal(field("x.Y.source_url", "adres van de bron", kind=models.URLField))
    assert not looks_personal(field("x.Y.file", "bestandsnaam", kind=models.FileField))
    assert not looks_personal(field("x.Y.slug", "korte naam", kind=models.SlugField))
    assert not looks_personal(field("x.Y.recipe", "deelnemers"))  # "ip" inside a word
    assert looks_personal(field("x.Y.ip", "herkomst"))


def test_every_entry_says_what_why_on_what_basis_and_how_long():
    for item in INVENTORY:
        assert all([item.category, item.purpose, item.basis, item.retention, item.visible_to]), item
        assert item.basis.startswith("AVG art. 6 lid 1 sub "), item
    assert not set(NOT_PERSONAL) & {f"{item.model}.{item.field}" for item in INVENTORY}


def test_the_committed_data_inventory_document_is_what_the_command_generates():
    out = StringIO()
    call_command("privacy_inventory", stdout=out)
    assert document_path().read_text(encoding="utf-8") == out.getvalue(), (
        "docs/data-inventory.md is verouderd: draai `manage.py privacy_inventory --write`."
    )
