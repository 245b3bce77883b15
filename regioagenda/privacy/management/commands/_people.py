"""Find the person a privacy command is about: an account by username or e-mail address, or
only an e-mail address (a resident without an account)."""

from django.core.management.base import CommandError
from django.db.models import Q

from regioagenda.accounts.models import User


def find_person(who: str) -> User | str:
    who = who.strip()
    accounts = list(User.objects.filter(Q(username=who) | Q(email__iexact=who))[:2])
    if len(accounts) > 1:
        raise CommandError(f"Meer dan één account past bij {who!r}: geef de gebruikersnaam.")
    if accounts:
        return accounts[0]
    if "@" in who:
        return who
    raise CommandError(f"Geen account met gebruikersnaam of e-mailadres {who!r}.")
