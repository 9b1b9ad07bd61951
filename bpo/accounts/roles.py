"""Roles and what each may do. The one table that pages and the API both consult."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    PROVIDER_ADMIN = "provider_admin", "Provider admin"
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    SCHEDULER = "scheduler", "Scheduler"
    FINANCE = "finance", "Finance"
    QA_ANALYST = "qa_analyst", "QA analyst"
    AGENT = "agent", "Agent / team lead"
    CLIENT_ADMIN = "client_admin", "Client admin"
    CLIENT_VIEWER = "client_viewer", "Client viewer"


STAFF_ROLES = frozenset(
    {
        Role.PROVIDER_ADMIN,
        Role.ACCOUNT_MANAGER,
        Role.SCHEDULER,
        Role.FINANCE,
        Role.QA_ANALYST,
        Role.AGENT,
    }
)
CLIENT_ROLES = frozenset({Role.CLIENT_ADMIN, Role.CLIENT_VIEWER})
# Staff roles held per assigned client (or at provider level, with no client's data); only the
# provider admin role opens every client.
ASSIGNABLE_STAFF_ROLES = STAFF_ROLES - {Role.PROVIDER_ADMIN}


class Action(models.TextChoices):
    """Things a user does inside one client's space."""

    VIEW_CLIENT = "view_client"
    MANAGE_CLIENT = "manage_client"  # lifecycle, registry details
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove
    VIEW_MEMBERS = "view_members"
    USE_STAFFING_CALCULATOR = "use_staffing_calculator"
    EXPORT_CLIENT_DATA = "export_client_data"  # request, list and download full data exports
    # Service catalog (bpo.catalog)
    VIEW_CATALOG = "view_catalog"  # service lines, escalation paths, published scripts
    VIEW_SCRIPT_DRAFTS = "view_script_drafts"  # every script version, not only the published one
    VIEW_AUDIT = "view_audit"  # the catalog's change history
    MANAGE_CATALOG = "manage_catalog"  # service lines, hours, SLA targets, escalation tiers
    PROPOSE_SCRIPT = "propose_script"  # create and edit drafts, send them for review
    REVIEW_SCRIPT = "review_script"  # approve a version in review, or send it back
    PUBLISH_SCRIPT = "publish_script"  # publish an approved version
    RETIRE_SCRIPT = "retire_script"
    EDIT_ESCALATION_CONTACTS = "edit_escalation_contacts"  # who, role, channel, phone, e-mail
    # SLA figures (scheduling.planning, issue 9)
    VIEW_SLA = "view_sla"  # service level, ASA, abandon, AHT, CX figures per line and week
    # Forecasts and staffing requirements (scheduling.planning, forecasts)
    VIEW_FORECAST = "view_forecast"  # forecasts, their accuracy, staffing requirements
    RUN_FORECAST = "run_forecast"  # start a forecast run (a new version)
    ADJUST_FORECAST = "adjust_forecast"  # change a version's volume by a percentage, with a reason
    # Contact statistics and customer experience results (scheduling.planning)
    IMPORT_STATISTICS = "import_statistics"  # upload, preview, commit and push interval rows
    VIEW_STATISTICS = "view_statistics"  # stored interval rows, CX results and past imports
    # Shift plans (scheduling.planning, issue 10)
    VIEW_PLANS = "view_plans"  # the client's plans, their grid, coverage and history
    EDIT_PLANS = "edit_plans"  # move, add or remove shifts of a draft or published plan
    PUBLISH_PLANS = "publish_plans"  # publish, republish or amend a plan (writes bookings)
    # QA scorecards (bpo.quality, issue 11)
    VIEW_SCORECARDS = "view_scorecards"  # scorecards, every version, previews, their history
    MANAGE_SCORECARDS = "manage_scorecards"  # create, build drafts, publish, new version, retire
    # QA evaluations and disputes (bpo.quality, issue 11)
    VIEW_EVALUATIONS = "view_evaluations"  # evaluations (which ones: the selector's rule by role)
    EVALUATE = "evaluate"  # record an interaction, score it, submit and release the evaluation
    ACKNOWLEDGE_EVALUATION = "acknowledge_evaluation"  # the agent's own released evaluation
    RAISE_DISPUTE = "raise_dispute"  # dispute a released evaluation (the agent: their own)
    DECIDE_DISPUTES = "decide_disputes"  # accept, partly accept or reject, with a reason
    # Weekly reports (bpo.reporting, issue 11)
    VIEW_REPORTS = "view_reports"  # the archive of weekly reports, a report, its PDF
    MANAGE_REPORTS = "manage_reports"  # regenerate a week's report (a new revision)
    # QA sampling (bpo.quality, issue 11)
    VIEW_SAMPLING = "view_sampling"  # interactions, sampling plans, draws, what is due and done
    IMPORT_INTERACTIONS = "import_interactions"  # upload or push the list of interactions
    MANAGE_SAMPLING = "manage_sampling"  # set a line's sampling plan, draw a week's sample
    VIEW_QA_SCORES = "view_qa_scores"  # the week's QA score per line and agent, with intervals
    # Calibration sessions (bpo.quality, issue 11)
    RUN_CALIBRATIONS = "run_calibrations"  # create, invite and remove participants, close; see all
    JOIN_CALIBRATIONS = "join_calibrations"  # score in the sessions one takes part in, see them
    # Contracts and rate cards (billing.contracts, issue 12)
    VIEW_CONTRACT = "view_contract"  # the contract's versions, rate card and rules
    MANAGE_CONTRACT = "manage_contract"  # add a version from a day (and complete a future one)
    # Invoices, credit notes, payments and line disputes (billing.invoices, issue 12)
    VIEW_INVOICES = "view_invoices"  # issued invoices, their lines and evidence (drafts: below)
    VIEW_INVOICE_DRAFTS = "view_invoice_drafts"  # drafts too, and receivables across clients
    MANAGE_INVOICES = "manage_invoices"  # edit drafts, issue, void, credit, record payments
    DISPUTE_INVOICE_LINE = "dispute_invoice_line"  # the client's objection to a line


_ALL_STAFF = STAFF_ROLES
_CATALOG_OWNERS = frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER})
ACTION_ROLES: dict[str, frozenset[str]] = {
    Action.VIEW_CLIENT: _ALL_STAFF | CLIENT_ROLES,
    Action.MANAGE_CLIENT: frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER}),
    Action.MANAGE_MEMBERS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN}
    ),
    Action.VIEW_MEMBERS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN, Role.CLIENT_VIEWER}
    ),
    Action.USE_STAFFING_CALCULATOR: _ALL_STAFF | CLIENT_ROLES,
    # A client may take its own data out (a client admin, while the client is not locked);
    # after suspension or offboarding only the provider's managers can.
    Action.EXPORT_CLIENT_DATA: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN}
    ),
    Action.VIEW_CATALOG: _ALL_STAFF | CLIENT_ROLES,
    # Agents read only what is published.
    Action.VIEW_SCRIPT_DRAFTS: (_ALL_STAFF | CLIENT_ROLES) - {Role.AGENT},
    Action.VIEW_AUDIT: (_ALL_STAFF | CLIENT_ROLES) - {Role.AGENT},
    Action.MANAGE_CATALOG: _CATALOG_OWNERS,
    Action.PROPOSE_SCRIPT: _CATALOG_OWNERS | {Role.CLIENT_ADMIN},
    # Approval is the client's consent: only its own admin gives it.
    Action.REVIEW_SCRIPT: frozenset({Role.CLIENT_ADMIN}),
    Action.PUBLISH_SCRIPT: _CATALOG_OWNERS | {Role.CLIENT_ADMIN},
    Action.RETIRE_SCRIPT: _CATALOG_OWNERS,
    Action.EDIT_ESCALATION_CONTACTS: _CATALOG_OWNERS | {Role.CLIENT_ADMIN},
    # SLA figures (scheduling.planning, issue 9): the client reads its own; all staff of it too.
    Action.VIEW_SLA: _ALL_STAFF | CLIENT_ROLES,
    # Forecasts and staffing requirements: the provider's planning. Every staff role reads them
    # (team leads plan breaks on them); clients see neither forecasts nor requirements, which
    # carry the provider's own assumptions (shrinkage, occupancy cap): they see what was
    # delivered (SLA) and what it costs (invoices).
    Action.VIEW_FORECAST: _ALL_STAFF,
    Action.RUN_FORECAST: frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.SCHEDULER}),
    Action.ADJUST_FORECAST: frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.SCHEDULER}),
    # Contact statistics and customer experience results (scheduling.planning)
    Action.IMPORT_STATISTICS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.SCHEDULER}
    ),
    Action.VIEW_STATISTICS: _ALL_STAFF | CLIENT_ROLES,
    # Shift plans: the provider's own planning, as forecasts are (clients see the SLA it
    # delivers). Agents and team leads read their weeks through "My week", not here.
    Action.VIEW_PLANS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.SCHEDULER, Role.FINANCE}
    ),
    Action.EDIT_PLANS: frozenset({Role.PROVIDER_ADMIN, Role.SCHEDULER}),
    Action.PUBLISH_PLANS: frozenset({Role.PROVIDER_ADMIN, Role.SCHEDULER}),
    # QA scorecards: the QA analysts (who also lead QA: there is no separate QA lead role) and
    # the account manager build and publish them; the client reads what it is scored by.
    # Agents read their own evaluations later, not the scorecards' drafts.
    Action.VIEW_SCORECARDS: frozenset(
        {
            Role.PROVIDER_ADMIN,
            Role.ACCOUNT_MANAGER,
            Role.QA_ANALYST,
            Role.CLIENT_ADMIN,
            Role.CLIENT_VIEWER,
        }
    ),
    Action.MANAGE_SCORECARDS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST}
    ),
    # QA evaluations: the QA team scores and releases; which evaluations a reader sees is the
    # selector's rule (bpo.quality.evaluation_selectors): the QA team and the account manager
    # every one of the client's, the client released ones, an agent only their own released
    # ones (never a draft). An agent reaches them through their membership in the client.
    Action.VIEW_EVALUATIONS: frozenset(
        {
            Role.PROVIDER_ADMIN,
            Role.ACCOUNT_MANAGER,
            Role.QA_ANALYST,
            Role.AGENT,
            Role.CLIENT_ADMIN,
            Role.CLIENT_VIEWER,
        }
    ),
    Action.EVALUATE: frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST}),
    Action.ACKNOWLEDGE_EVALUATION: frozenset({Role.AGENT}),
    # The agent disputes their own evaluation, the client's admin any of the client's.
    Action.RAISE_DISPUTE: frozenset({Role.AGENT, Role.CLIENT_ADMIN}),
    # The QA analysts lead QA (there is no separate QA lead role).
    Action.DECIDE_DISPUTES: frozenset({Role.PROVIDER_ADMIN, Role.QA_ANALYST}),
    # Weekly reports: what the client reads every Monday, and the account side that owns the
    # relationship. Regenerating (after a late statistics import) is the account side's call.
    Action.VIEW_REPORTS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN, Role.CLIENT_VIEWER}
    ),
    Action.MANAGE_REPORTS: _CATALOG_OWNERS,
    # QA sampling: the QA analysts (and the account manager) plan and draw; the client admin
    # sends the interaction list (its own system's contacts) and sees what is drawn and done.
    # The week's QA score is read by the client's people too, viewers included.
    Action.VIEW_SAMPLING: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST, Role.CLIENT_ADMIN}
    ),
    Action.IMPORT_INTERACTIONS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST, Role.CLIENT_ADMIN}
    ),
    Action.MANAGE_SAMPLING: frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST}),
    Action.VIEW_QA_SCORES: frozenset(
        {
            Role.PROVIDER_ADMIN,
            Role.ACCOUNT_MANAGER,
            Role.QA_ANALYST,
            Role.CLIENT_ADMIN,
            Role.CLIENT_VIEWER,
        }
    ),
    # Calibration: the provider's QA people run sessions (and see every one of the client);
    # the client's admins may be invited to score beside them, and see only the sessions they
    # take part in (bpo.quality.selectors.list_calibration_sessions).
    Action.RUN_CALIBRATIONS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST}
    ),
    Action.JOIN_CALIBRATIONS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.QA_ANALYST, Role.CLIENT_ADMIN}
    ),
    # Contracts: finance and the provider admin set the terms; the account manager who owns
    # the relationship reads them, and so does the client's own admin (its own contract).
    Action.VIEW_CONTRACT: frozenset(
        {Role.PROVIDER_ADMIN, Role.FINANCE, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN}
    ),
    Action.MANAGE_CONTRACT: frozenset({Role.PROVIDER_ADMIN, Role.FINANCE}),
    # Invoices: finance (and the provider admin) act; the account manager reads, drafts too;
    # the client's admin reads its issued invoices (never a draft: the selector's rule) and
    # disputes their lines, which finance resolves.
    Action.VIEW_INVOICES: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.FINANCE, Role.CLIENT_ADMIN}
    ),
    Action.VIEW_INVOICE_DRAFTS: frozenset(
        {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.FINANCE}
    ),
    Action.MANAGE_INVOICES: frozenset({Role.PROVIDER_ADMIN, Role.FINANCE}),
    Action.DISPUTE_INVOICE_LINE: frozenset({Role.CLIENT_ADMIN}),
}

# An offboarded client's records are final: its catalog can be read and exported, not changed.
FROZEN_WHEN_OFFBOARDED = frozenset(
    {
        Action.MANAGE_CATALOG,
        Action.PROPOSE_SCRIPT,
        Action.REVIEW_SCRIPT,
        Action.PUBLISH_SCRIPT,
        Action.RETIRE_SCRIPT,
        Action.EDIT_ESCALATION_CONTACTS,
        Action.MANAGE_SCORECARDS,
        Action.EVALUATE,
        Action.ACKNOWLEDGE_EVALUATION,
        Action.RAISE_DISPUTE,
        Action.DECIDE_DISPUTES,
        Action.MANAGE_REPORTS,
        Action.IMPORT_INTERACTIONS,
        Action.MANAGE_SAMPLING,
        Action.RUN_CALIBRATIONS,
        Action.JOIN_CALIBRATIONS,
        Action.MANAGE_CONTRACT,
        # An offboarded client's invoices are still paid and credited by finance; its admin
        # no longer disputes.
        Action.DISPUTE_INVOICE_LINE,
    }
)

# Provider-wide actions (no client in scope).
ONBOARD_CLIENTS = frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER})
LIST_ALL_CLIENTS = frozenset({Role.PROVIDER_ADMIN})
MANAGE_STAFF = frozenset({Role.PROVIDER_ADMIN})

# Which roles a holder of a role may hand out (invite, assign) and take back inside one
# client. Client admins manage their own people; the provider assigns its staff.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.PROVIDER_ADMIN: CLIENT_ROLES | ASSIGNABLE_STAFF_ROLES,
    Role.ACCOUNT_MANAGER: CLIENT_ROLES | ASSIGNABLE_STAFF_ROLES,
    Role.CLIENT_ADMIN: CLIENT_ROLES,
}


def ordered_roles(roles) -> list[str]:
    """``roles`` in the order of :class:`Role` (for pickers and tables)."""
    return [role for role in Role.values if role in roles]


# --- Agent roster and time off (scheduling.roster): provider-wide, no client in scope --------
# Agents, teams, sites, skills, shift templates; deciding time off; importing the roster.
MANAGE_ROSTER = frozenset({Role.PROVIDER_ADMIN, Role.SCHEDULER})
# Reading the roster (the people who plan, staff or bill agents' time).
VIEW_ROSTER = MANAGE_ROSTER | {Role.ACCOUNT_MANAGER, Role.FINANCE}
# Agents request (and cancel) their own time off and read their own balance.
REQUEST_TIME_OFF = frozenset({Role.AGENT})

# --- Shift plans, bookings, swaps, worked time (issue 10): provider-wide --------------------
# Start planning runs across clients; approve swaps; enter or import worked time.
RUN_PLANNING = MANAGE_ROSTER
APPROVE_SWAPS = MANAGE_ROSTER
MANAGE_WORKED_TIME = MANAGE_ROSTER
# Read worked time, adherence and conformance (team leads: their own team's, in the service).
VIEW_WORKED_TIME = MANAGE_ROSTER | {Role.ACCOUNT_MANAGER, Role.FINANCE, Role.AGENT}
# Close a period so that its worked time can no longer change (billing reads it).
LOCK_PERIODS = frozenset({Role.PROVIDER_ADMIN, Role.FINANCE})
# Invoice runs bill a period across every live client: finance's work (billing.runs).
RUN_INVOICES = frozenset({Role.PROVIDER_ADMIN, Role.FINANCE})
# Receivables across clients (billing.ledger): whoever reads a client's drafts reads its
# open amounts; the selector keeps each user to their own clients' rows.
VIEW_RECEIVABLES = frozenset({Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.FINANCE})
# An agent's own week, calendar feed and swaps (team leads also see their team's week).
OWN_WEEK = frozenset({Role.AGENT})
