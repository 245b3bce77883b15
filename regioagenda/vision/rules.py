"""Who may change the vision: the region's coordinator shapes the agenda structure."""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_staff_member,
)

rules.add_perm("vision", is_staff_member)

for model in ("quality", "theme", "topic", "principle", "agreement"):
    rules.add_perm(f"vision.view_{model}", is_staff_member)
    rules.add_perm(f"vision.change_{model}", is_coordinator_of_its_region | is_administrator)
    # Adding has no object yet: any coordinator may start one; the form limits the region.
    rules.add_perm(f"vision.add_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"vision.delete_{model}", is_coordinator_of_its_region | is_administrator)
