"""Who may use each page and API operation: the declaration the authorisation matrix checks.

Every route of the URL resolver (by `namespace:name`) and every operation of the OpenAPI spec
(`METHOD path`) must be listed here: a new route without an entry fails
`test_every_route_and_operation_declares_its_permission` (default deny: declare it).

A permission is one of the classes below, derived from the apps' rules.py and views; `target`
names the kind of object whose URL the matrix builds (see `test_authorisation_matrix.targets`).
"""

from dataclasses import dataclass

# Anyone, signed in or not.
PUBLIC = "public"
# Any signed-in user.
LOGIN = "login"
# Any editor, the coordinator or an administrator (pages that start something new; the queue of
# events to moderate; the choice of municipality happens in the form).
STAFF = "staff"
# Any editor: a municipality's own say (its ballot in a round, its assessment of a comparison),
# which the coordinator does not cast for it.
EDITOR = "editor"
# The editors of the object's municipality, the coordinator of its region, an administrator.
STAFF_OWN = "staff-own"
# The region's coordinator and administrators.
COORDINATOR = "coordinator"
# Administrators only.
ADMINISTRATOR = "administrator"
# Reached through a secret in the URL (e-mailed to an organiser or a registrant), not a role:
# with an unknown secret nobody gets in.
SECRET = "secret"

PERMISSIONS = (PUBLIC, LOGIN, STAFF, EDITOR, STAFF_OWN, COORDINATOR, ADMINISTRATOR, SECRET)


@dataclass(frozen=True)
class Entry:
    permission: str
    # The kind of object the URL names; None for a URL without arguments.
    target: str | None = None
    # Whether the route accepts POST (forms and actions): the matrix posts to it too.
    writes: bool = False


P, L, S, OWN, C, A, X = PUBLIC, LOGIN, STAFF, STAFF_OWN, COORDINATOR, ADMINISTRATOR, SECRET

ROUTES: dict[str, Entry] = {
    "security_txt": Entry(P),
    "security_policy": Entry(P),
    "accounts:login": Entry(P),
    # The second step of signing in acts on the session's own pending login only.
    "accounts:second_factor_verify": Entry(P, writes=True),
    "accounts:second_factor_setup": Entry(L, writes=True),
    "accounts:password_reset": Entry(P),
    "accounts:password_reset_done": Entry(P),
    # Django's own view: an unknown link gets a page saying so.
    "accounts:password_reset_confirm": Entry(P, "reset_secret", writes=True),
    "accounts:password_reset_complete": Entry(P),
    "accounts:logout": Entry(P),
    "accounts:profile": Entry(L),
    "agenda:overview": Entry(P),
    "agenda:action": Entry(P, "action"),
    "agenda:action_create": Entry(S, writes=True),
    "agenda:action_edit": Entry(OWN, "action", writes=True),
    "agenda:action_status": Entry(OWN, "action", writes=True),
    "agenda:action_progress": Entry(OWN, "action", writes=True),
    "agenda:export_csv": Entry(P),
    "agenda:export_ods": Entry(P),
    "agenda:export_xlsx": Entry(P),
    "agenda:report": Entry(P),
    "agenda:report_pdf": Entry(P),
    "agenda:stuck": Entry(P),
    "agenda:timeline": Entry(P),
    "competences:question": Entry(P),
    "competences:register": Entry(P),
    "cooperation:list": Entry(P),
    "cooperation:comparison": Entry(P, "comparison"),
    "cooperation:assess": Entry(EDITOR, "comparison", writes=True),
    "dossiers:list": Entry(P),
    "dossiers:dossier": Entry(P, "dossier"),
    "dossiers:record_decision": Entry(OWN, "dossier_decision", writes=True),
    "events:list": Entry(P),
    "events:event": Entry(P, "event"),
    "events:event_ics": Entry(P, "event"),
    "events:image": Entry(P, "event"),
    "events:feed": Entry(P),
    "events:month": Entry(P, "month"),
    "events:week": Entry(P, "week"),
    "events:submit": Entry(P),
    "events:submitted": Entry(P),
    "events:confirm": Entry(X, "secret", writes=True),
    "events:edit_by_token": Entry(X, "secret", writes=True),
    "events:edit": Entry(OWN, "event", writes=True),
    "events:mine": Entry(L),
    "events:moderation": Entry(S),
    "events:moderate": Entry(OWN, "event", writes=True),
    "initiatives:list": Entry(P),
    "initiatives:initiative": Entry(P, "initiative"),
    "initiatives:submit": Entry(P),
    "initiatives:thanks": Entry(P),
    "initiatives:moderation": Entry(C),
    "initiatives:moderate": Entry(C, "initiative", writes=True),
    "initiatives:record": Entry(C, "initiative", writes=True),
    "meetings:agenda": Entry(P),
    "meetings:feed": Entry(P),
    "meetings:body": Entry(P, "meeting_body"),
    "meetings:body_feed": Entry(P, "meeting_body"),
    "meetings:theme": Entry(P, "theme"),
    "meetings:meeting": Entry(P, "meeting"),
    "meetings:meeting_ics": Entry(P, "meeting"),
    "meetings:document": Entry(P, "meeting_document"),
    "meetings:register": Entry(P, "meeting"),
    "meetings:cancel_registration": Entry(X, "secret", writes=True),
    "meetings:create": Entry(S, writes=True),
    "meetings:edit": Entry(OWN, "meeting", writes=True),
    "meetings:attendance": Entry(OWN, "meeting", writes=True),
    "meetings:add_item": Entry(OWN, "meeting", writes=True),
    "meetings:edit_item": Entry(OWN, "meeting_item", writes=True),
    "meetings:follow_up": Entry(OWN, "meeting_item", writes=True),
    "meetings:minutes": Entry(OWN, "meeting_item", writes=True),
    "meetings:upload": Entry(OWN, "meeting_item", writes=True),
    "monitor:dashboard": Entry(P),
    "monitor:indicator": Entry(P, "indicator"),
    "monitor:download": Entry(P, "indicator_download"),
    "monitor:metadata": Entry(P, "indicator"),
    "monitor:reports": Entry(P),
    "monitor:report": Entry(P, "year"),
    "monitor:report_pdf": Entry(P, "year"),
    "monitor:imports": Entry(C, writes=True),
    "monitor:import": Entry(C, "import_run"),
    "opendata:index": Entry(P),
    "opendata:catalogue": Entry(P),
    "prioritisation:rounds": Entry(P),
    "prioritisation:round": Entry(P, "round"),
    "prioritisation:vote": Entry(EDITOR, "round", writes=True),
    "prioritisation:adopt": Entry(C, "round", writes=True),
    "proposals:overview": Entry(P),
    "proposals:without_check": Entry(P),
    "proposals:proposal": Entry(P, "proposal"),
    "proposals:document": Entry(P, "proposal_document"),
    "proposals:paragraph": Entry(P, "proposal_paragraph"),
    "proposals:feed_body": Entry(P, "joint_body"),
    "proposals:feed_municipality": Entry(P, "municipality_code"),
    "proposals:feed_theme": Entry(P, "theme"),
    "proposals:create": Entry(S, writes=True),
    "proposals:digest": Entry(S),
    "proposals:edit": Entry(OWN, "proposal", writes=True),
    "proposals:check": Entry(OWN, "proposal", writes=True),
    "proposals:submit_check": Entry(OWN, "proposal", writes=True),
    "proposals:upload": Entry(OWN, "proposal", writes=True),
    "registry:list": Entry(P),
    "registry:body": Entry(P, "joint_body"),
    "registry:matrix": Entry(P),
    "registry:network": Entry(P),
    "registry:budgets": Entry(P),
    "registry:budget_add": Entry(C, writes=True),
    "registry:budget_edit": Entry(C, "budget_request", writes=True),
    "registry:budget_view": Entry(S, "budget_request", writes=True),
    "website:home": Entry(P),
    "website:themes": Entry(P),
    "website:theme": Entry(P, "theme"),
    "website:topic": Entry(P, "topic"),
    "website:municipalities": Entry(P),
    "website:municipality": Entry(P, "municipality"),
    "website:municipality_edit": Entry(OWN, "municipality", writes=True),
    "website:qualities": Entry(P),
    "website:cooperation": Entry(P),
    "website:accessibility": Entry(P),
    "website:privacy": Entry(P),
    "website:contact": Entry(P),
}

# API operations by "METHOD path" as the OpenAPI spec names them. Reads are public (the
# queryset hides what is not); writes need a token of a role that may make the change.
# `target` names the object the path parameters point at.
API: dict[str, Entry] = {
    "GET /regions": Entry(P),
    "GET /regions/{region}": Entry(P, "region"),
    "GET /municipalities": Entry(P),
    "GET /municipalities/{code}": Entry(P, "municipality_code"),
    "GET /regions/{region}/themes": Entry(P, "region"),
    "GET /regions/{region}/themes/{slug}": Entry(P, "theme"),
    "GET /regions/{region}/topics": Entry(P, "region"),
    "GET /regions/{region}/topics/{slug}": Entry(P, "topic"),
    "GET /regions/{region}/qualities": Entry(P, "region"),
    "GET /regions/{region}/qualities/{slug}": Entry(P, "quality"),
    "GET /regions/{region}/principles": Entry(P, "region"),
    "GET /regions/{region}/principles/{slug}": Entry(P, "principle"),
    "GET /regions/{region}/agreements": Entry(P, "region"),
    "GET /regions/{region}/agreements/{slug}": Entry(P, "agreement"),
    "GET /actions": Entry(P),
    "POST /actions": Entry(S, writes=True),
    "GET /actions/{id}": Entry(P, "action"),
    "PUT /actions/{id}": Entry(OWN, "action", writes=True),
    "GET /actions/{id}/progress-updates": Entry(P, "action"),
    "POST /actions/{id}/progress-updates": Entry(OWN, "action", writes=True),
    "POST /actions/{id}/status-changes": Entry(OWN, "action", writes=True),
    "GET /regions/{region}/rounds": Entry(P, "region"),
    "GET /regions/{region}/rounds/{slug}": Entry(P, "round"),
    "POST /regions/{region}/rounds/{slug}/ballots": Entry(S, "round", writes=True),
    "GET /regions/{region}/dossiers": Entry(P, "region"),
    "GET /regions/{region}/dossiers/{slug}": Entry(P, "dossier"),
    "POST /regions/{region}/dossiers/{slug}/decisions": Entry(S, "dossier", writes=True),
    "GET /regions/{region}/joint-bodies": Entry(P, "region"),
    "POST /regions/{region}/joint-bodies": Entry(C, "region", writes=True),
    "GET /regions/{region}/joint-bodies/{slug}": Entry(P, "joint_body"),
    "PUT /regions/{region}/joint-bodies/{slug}": Entry(C, "joint_body", writes=True),
    "DELETE /regions/{region}/joint-bodies/{slug}": Entry(C, "joint_body", writes=True),
    "GET /budget-requests": Entry(P),
    "POST /budget-requests": Entry(C, writes=True),
    "GET /budget-requests/{id}": Entry(P, "budget_request"),
    "PUT /budget-requests/{id}": Entry(C, "budget_request", writes=True),
    "DELETE /budget-requests/{id}": Entry(C, "budget_request", writes=True),
    "GET /budget-requests/{id}/budget-views/{municipality}": Entry(P, "budget_view"),
    "PUT /budget-requests/{id}/budget-views/{municipality}": Entry(OWN, "budget_view", writes=True),
    "DELETE /budget-requests/{id}/budget-views/{municipality}": Entry(
        OWN, "budget_view", writes=True
    ),
    "GET /participations": Entry(P),
    "POST /participations": Entry(C, writes=True),
    "GET /participations/{id}": Entry(P, "participation"),
    "PUT /participations/{id}": Entry(C, "participation", writes=True),
    "DELETE /participations/{id}": Entry(C, "participation", writes=True),
    "GET /contributions": Entry(P),
    "POST /contributions": Entry(C, writes=True),
    "GET /contributions/{id}": Entry(P, "contribution"),
    "PUT /contributions/{id}": Entry(C, "contribution", writes=True),
    "DELETE /contributions/{id}": Entry(C, "contribution", writes=True),
    "GET /regions/{region}/cooperation-comparisons": Entry(P, "region"),
    "GET /regions/{region}/cooperation-comparisons/{slug}": Entry(P, "comparison"),
    "GET /regions/{region}/policy-domains": Entry(P, "region"),
    "POST /regions/{region}/policy-domains": Entry(C, "region", writes=True),
    "GET /regions/{region}/policy-domains/{slug}": Entry(P, "policy_domain"),
    "PUT /regions/{region}/policy-domains/{slug}": Entry(C, "policy_domain", writes=True),
    "DELETE /regions/{region}/policy-domains/{slug}": Entry(C, "policy_domain", writes=True),
    "GET /places": Entry(P),
    "GET /competences": Entry(P),
    "POST /competences": Entry(S, writes=True),
    "GET /competences/{id}": Entry(P, "competence"),
    "PUT /competences/{id}": Entry(OWN, "competence", writes=True),
    "DELETE /competences/{id}": Entry(OWN, "competence", writes=True),
    "GET /regions/{region}/initiatives": Entry(P, "region"),
    "POST /regions/{region}/initiatives": Entry(P, "region"),
    "GET /regions/{region}/initiatives/{reference}": Entry(P, "initiative"),
    "POST /regions/{region}/initiatives/{reference}/events": Entry(C, "initiative", writes=True),
    "GET /regions/{region}/indicators": Entry(P, "region"),
    "GET /regions/{region}/indicators/{slug}": Entry(P, "indicator"),
    "GET /regions/{region}/indicators/{slug}/regional-series": Entry(P, "indicator"),
    "GET /regions/{region}/observations": Entry(P, "region"),
    "POST /regions/{region}/observations": Entry(S, "region", writes=True),
    "GET /regions/{region}/observations/{id}": Entry(P, "observation"),
    "GET /regions/{region}/targets": Entry(P, "region"),
    "GET /regions/{region}/targets/{id}": Entry(P, "target"),
    "GET /regions/{region}/proposals/{id}/checks": Entry(P, "proposal"),
    "PUT /regions/{region}/proposals/{id}/checks/draft": Entry(OWN, "proposal", writes=True),
    "POST /regions/{region}/proposals/{id}/checks/draft/submit": Entry(
        OWN, "proposal", writes=True
    ),
    "POST /impact-suggestions": Entry(P),
    "GET /regions/{region}/proposals": Entry(P, "region"),
    "POST /regions/{region}/proposals": Entry(S, "region", writes=True),
    "GET /regions/{region}/proposals/{id}": Entry(P, "proposal"),
    "PUT /regions/{region}/proposals/{id}": Entry(OWN, "proposal", writes=True),
    "GET /regions/{region}/bodies": Entry(P, "region"),
    "GET /regions/{region}/meetings": Entry(P, "region"),
    "GET /regions/{region}/meetings/{id}": Entry(P, "meeting"),
    "GET /regions/{region}/events": Entry(P, "region"),
    # Anyone with a key may submit an event; it waits for moderation.
    "POST /regions/{region}/events": Entry(L, "region"),
    "GET /regions/{region}/events/{id}": Entry(P, "event"),
    "PUT /regions/{region}/events/{id}": Entry(OWN, "event", writes=True),
}
