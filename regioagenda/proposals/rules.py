"""Who may do what with proposals and their regional check.

Everyone reads proposals that are no longer a draft, and their submitted checks. A municipality's
editors register its proposals and write their checks; the region's coordinator may do so for
every municipality of the region and keeps the vocabulary and the gazetteer.
"""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_editor,
    is_editor_of_its_municipality,
    is_staff_member,
)

may_keep_region_lists = is_coordinator_of_its_region | is_administrator
may_keep_proposal = may_keep_region_lists | is_editor_of_its_municipality

rules.add_perm("proposals", is_staff_member)
MUNICIPAL_MODELS = (
    "proposal",
    "proposallink",
    "proposaldocument",
    "impactcheck",
    "affectedmunicipality",
)
for model in MUNICIPAL_MODELS:
    rules.add_perm(f"proposals.view_{model}", is_staff_member)
    rules.add_perm(f"proposals.add_{model}", is_coordinator | is_editor | is_administrator)
    rules.add_perm(f"proposals.change_{model}", may_keep_proposal)
    rules.add_perm(f"proposals.delete_{model}", may_keep_proposal)
for model in ("term", "gazetteerentry"):
    rules.add_perm(f"proposals.view_{model}", is_staff_member)
    rules.add_perm(f"proposals.add_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"proposals.change_{model}", may_keep_region_lists)
    rules.add_perm(f"proposals.delete_{model}", may_keep_region_lists)

rules.add_rule("proposals.write_check", may_keep_proposal)
