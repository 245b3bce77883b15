"""Passwords: Argon2 for new hashes, at least 12 characters, no composition rules, and not one of
the commonly used passwords."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from regioagenda import settings as project_settings
from regioagenda.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_hashers(settings):
    # conftest swaps in MD5 for speed; these tests are about the hashers the project configures.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2(real_hashers):
    user = User.objects.create_user("nieuw", password="een-lang-wachtwoord-123")
    assert user.password.startswith("argon2")
    assert user.check_password("een-lang-wachtwoord-123")


def test_an_older_pbkdf2_hash_still_works_and_becomes_argon2_at_login(real_hashers):
    user = User.objects.create_user("oud")
    # Few iterations keep the test fast; any PBKDF2 hash is upgraded the same way.
    user.password = PBKDF2PasswordHasher().encode("een-lang-wachtwoord-123", "zout", 1000)
    user.save()

    assert user.check_password("een-lang-wachtwoord-123")
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def messages_for(password: str) -> list[str]:
    try:
        validate_password(password, User(username="iemand", email="iemand@example.org"))
    except ValidationError as error:
        return list(error.messages)
    return []


def test_a_password_needs_twelve_characters():
    assert any("12" in message for message in messages_for("elf-tekens!"))
    assert messages_for("twaalf-teken") == []


def test_no_composition_rules_a_long_random_password_of_digits_is_fine():
    assert messages_for("830274619305") == []
    assert messages_for("alleen kleine letters hier") == []


def test_a_common_password_is_refused_even_when_long_enough():
    assert messages_for("123456654321") != []
    assert messages_for("qwerty123456") != []
