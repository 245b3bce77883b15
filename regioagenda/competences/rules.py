"""Who may do what with the competences register.

Everyone reads it. The region's coordinator keeps the policy domains, the places and the
competences; an editor keeps the competences that hold in their own municipality only (a local
mandate or delegation decision).
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

may_keep_competences = is_coordinator_of_its_region | is_administrator
may_keep_competence = may_keep_competences | is_editor_of_its_municipality

rules.add_perm("competences", is_staff_member)
for model in ("policydomain", "place"):
    rules.add_perm(f"competences.view_{model}", is_staff_member)
    rules.add_perm(f"competences.add_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"competences.change_{model}", may_keep_competences)
    rules.add_perm(f"competences.delete_{model}", may_keep_competences)

rules.add_perm("competences.view_competence", is_staff_member)
rules.add_perm("competences.add_competence", is_coordinator | is_editor | is_administrator)
rules.add_perm("competences.change_competence", may_keep_competence)
rules.add_perm("competences.delete_competence", may_keep_competence)

rules.add_rule("competences.change_competence", may_keep_competence)
