import base64
import re
from urllib.parse import parse_qs, urlparse

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Principle, Theme

pytestmark = pytest.mark.django_db


def test_editor_of_leiden_may_change_leiden_and_nothing_else(leiden_editor, leiden, oegstgeest):
    assert leiden_editor.has_perm("regions.change_municipality", leiden)
    assert not leiden_editor.has_perm("regions.change_municipality", oegstgeest)
    assert not leiden_editor.has_perm("regions.change_region", leiden.region)
    assert not leiden_editor.has_perm("vision.change_theme", Theme.objects.first())
    assert not leiden_editor.has_perm("accounts.change_user", leiden_editor)


def test_coordinator_may_change_their_region_but_not_another(coordinator, leiden, kustregio):
    assert coordinator.has_perm("regions.change_municipality", leiden)
    assert coordinator.has_perm("vision.change_theme", Theme.objects.get(slug="economie"))
    other_theme = Theme.objects.get(slug="toerisme")
    assert not coordinator.has_perm("vision.change_theme", other_theme)
    assert not coordinator.has_perm(
        "regions.change_municipality", Municipality.objects.get(code="GM9901")
    )


def test_council_member_and_visitor_change_nothing(council_member, leiden):
    from django.contrib.auth.models import AnonymousUser

    plain_user = User.objects.create_user("bewoner")
    for user in (council_member, plain_user, AnonymousUser()):
        assert not user.has_perm("regions.change_municipality", leiden)
        assert not user.has_perm("vision.change_theme", Theme.objects.first())


def test_membership_scope_must_match_the_role(leiden, leidse_regio):
    user = User.objects.create_user("iemand")

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Membership.Role.EDITOR, region=leidse_regio)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, municipality=leiden)


def edit_url(municipality: Municipality) -> str:
    return reverse("website:municipality_edit", kwargs={"slug": municipality.slug})


def test_editor_saves_their_municipality_and_the_audit_log_names_them(
    client: Client, leiden_editor, leiden
):
    client.force_login(leiden_editor)
    response = client.post(
        edit_url(leiden),
        {
            "summary": "Stad van ontdekkingen.",
            "summary_en": "",
            "website": "https://www.leiden.nl",
            "version": leiden.version,
        },
    )
    assert response.status_code == 302
    leiden.refresh_from_db()
    assert leiden.summary == "Stad van ontdekkingen."
    entry = LogEntry.objects.get_for_object(leiden).order_by("-timestamp").first()
    assert entry.actor == leiden_editor
    assert entry.changes_dict["summary"] == ["", "Stad van ontdekkingen."]


def test_editor_of_another_municipality_cannot_edit_leiden(
    client: Client, oegstgeest_editor, leiden
):
    client.force_login(oegstgeest_editor)
    assert client.get(edit_url(leiden)).status_code == 403
    response = client.post(
        edit_url(leiden), {"summary": "Overgenomen", "website": "", "version": leiden.version}
    )
    assert response.status_code == 403
    leiden.refresh_from_db()
    assert leiden.summary != "Overgenomen"


def test_visitor_is_sent_to_login(client: Client, leiden):
    response = client.get(edit_url(leiden))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_mass_assigned_fields_are_ignored(client: Client, leiden_editor, leiden):
    client.force_login(leiden_editor)
    client.post(
        edit_url(leiden),
        {
            "summary": "Tekst",
            "website": "",
            "version": leiden.version,
            "population": "1",
            "code": "GM9999",
            "region": "999",
        },
    )
    leiden.refresh_from_db()
    assert (leiden.population, leiden.code) == (130328, "GM0546")


def test_second_save_of_the_same_version_gets_a_conflict_and_loses_nothing(
    client: Client, leiden_editor, coordinator, leiden
):
    started_at = leiden.version
    other = Client()
    other.force_login(coordinator)
    other.post(
        edit_url(leiden),
        {"summary": "Tekst van de coördinator", "website": "", "version": started_at},
    )

    client.force_login(leiden_editor)
    response = client.post(
        edit_url(leiden),
        {"summary": "Tekst van de redacteur", "website": "", "version": started_at},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "iemand anders heeft deze gemeente intussen gewijzigd" in page
    assert "Tekst van de coördinator" in page and "Tekst van de redacteur" in page
    leiden.refresh_from_db()
    assert leiden.summary == "Tekst van de coördinator"
    assert leiden.version == started_at + 1


def test_admin_lets_an_editor_change_only_their_own_municipality(
    client: Client, leiden_editor, leiden, oegstgeest
):
    client.force_login(leiden_editor)
    own = reverse("admin:regions_municipality_change", args=[leiden.pk])
    other = reverse("admin:regions_municipality_change", args=[oegstgeest.pk])

    assert client.get(own).status_code == 200
    response = client.post(
        own,
        {
            "summary": "Via beheer",
            "summary_en": "",
            "website": "",
            "expected_version": leiden.version,
        },
    )
    assert response.status_code == 302
    leiden.refresh_from_db()
    assert leiden.summary == "Via beheer"

    assert (
        client.post(other, {"summary": "Via beheer", "summary_en": "", "website": ""}).status_code
        == 403
    )
    oegstgeest.refresh_from_db()
    assert oegstgeest.summary != "Via beheer"
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_history_is_shown_to_staff_only(client: Client, leiden_editor, leiden):
    page = reverse("website:municipality", kwargs={"slug": leiden.slug})
    assert "Geschiedenis" not in client.get(page).content.decode()
    client.force_login(leiden_editor)
    assert "Geschiedenis" in client.get(page).content.decode()


def test_demo_users_get_random_passwords_and_authenticators_printed_once(leidse_regio, capsys):
    call_command("create_demo_users")
    first = capsys.readouterr().out
    passwords = dict(re.findall(r"^  (\S+)\s+(\S{20})\s", first, flags=re.M))
    uris = re.findall(r"^    TOTP: (otpauth://totp/\S+)$", first, flags=re.M)
    assert set(passwords) == {
        "coordinator-leidse-regio",
        "redacteur-leiden",
        "redacteur-leiderdorp",
        "redacteur-oegstgeest",
        "redacteur-voorschoten",
        "redacteur-zoeterwoude",
    }
    assert len(set(passwords.values())) == 6
    user = User.objects.get(username="redacteur-leiden")
    assert user.check_password(passwords["redacteur-leiden"])
    assert user.memberships.get().municipality.code == "GM0546"

    # Each account's URI follows its password line and holds the secret of its confirmed device.
    assert len(set(uris)) == 6
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    uri = re.search(r"redacteur-leiden .*\n    TOTP: (\S+)", first)
    assert uri is not None and uri.group(1) == device.config_url
    query = parse_qs(urlparse(uri.group(1)).query)
    assert base64.b32decode(query["secret"][0]) == device.bin_key
    assert query["issuer"] == ["Regio-agenda"]

    call_command("create_demo_users")
    second = capsys.readouterr().out
    assert passwords["redacteur-leiden"] not in second
    assert "wachtwoord ongewijzigd" in second
    assert "TOTP: otpauth://" not in second
    assert TOTPDevice.objects.get(user=user).config_url == device.config_url

    call_command("create_demo_users", reset_passwords=True)
    third = capsys.readouterr().out
    new_device = TOTPDevice.objects.get(user=user)
    assert new_device.config_url in third and device.config_url not in third


def test_login_is_locked_after_ten_wrong_passwords_for_one_account_from_many_addresses(
    client: Client, leidse_regio
):
    User.objects.create_user("raadsel", password="het-echte-wachtwoord-123", is_staff=True)
    login = reverse("accounts:login")
    for attempt in range(9):
        address = f"192.0.2.{attempt + 1}"
        response = client.post(
            login, {"username": "raadsel", "password": "fout"}, REMOTE_ADDR=address
        )
        assert response.status_code == 200
    tenth = client.post(
        login, {"username": "raadsel", "password": "fout"}, REMOTE_ADDR="192.0.2.10"
    )
    assert tenth.status_code == 429
    response = client.post(
        login,
        {"username": "raadsel", "password": "het-echte-wachtwoord-123"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_ten_wrong_passwords_from_one_address_for_many_accounts(
    client: Client, leidse_regio
):
    User.objects.create_user("echt", password="het-echte-wachtwoord-123", is_staff=True)
    login = reverse("accounts:login")
    for attempt in range(10):
        response = client.post(
            login, {"username": f"gok-{attempt}", "password": "fout"}, REMOTE_ADDR="203.0.113.5"
        )
    assert response.status_code == 429
    from_there = client.post(
        login,
        {"username": "echt", "password": "het-echte-wachtwoord-123"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert from_there.status_code == 429
    elsewhere = client.post(
        login,
        {"username": "echt", "password": "het-echte-wachtwoord-123"},
        REMOTE_ADDR="203.0.113.6",
    )
    assert elsewhere.status_code == 302


def test_coordinator_edits_a_principle_in_the_admin_and_the_history_names_them(
    client: Client, coordinator, leidse_regio
):
    principle = Principle.objects.get(slug="duidelijke-bevoegdheden")
    client.force_login(coordinator)
    url = reverse("admin:vision_principle_change", args=[principle.pk])
    response = client.post(
        url,
        {
            "region": leidse_regio.pk,
            "slug": principle.slug,
            "position": principle.position,
            "title": "Altijd duidelijk wie beslist",
            "title_en": principle.title_en,
            "summary": principle.summary,
            "summary_en": principle.summary_en,
            "source_section": principle.source_section,
            "expected_version": principle.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    page = client.get(reverse("website:cooperation")).content.decode()
    assert "Altijd duidelijk wie beslist" in page
    assert '<details class="ra-history ra-history--compact">' in page
    assert page.count('<td class="utrecht-table__cell">coordinator</td>') == 1


def test_coordinator_cannot_move_an_item_to_another_region(
    client: Client, coordinator, leidse_regio, kustregio
):
    principle = Principle.objects.get(slug="duidelijke-bevoegdheden")
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:vision_principle_change", args=[principle.pk]),
        {
            "region": kustregio.pk,
            "slug": principle.slug,
            "position": principle.position,
            "title": principle.title,
            "title_en": principle.title_en,
            "summary": principle.summary,
            "summary_en": principle.summary_en,
            "source_section": principle.source_section,
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    principle.refresh_from_db()
    assert principle.region == leidse_regio
