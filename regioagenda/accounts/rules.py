"""Accounts and memberships are managed by administrators only."""

import rules

from regioagenda.accounts.predicates import is_administrator

rules.add_perm("accounts", is_administrator)
for model in ("user", "membership", "apitoken"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"accounts.{action}_{model}", is_administrator)
