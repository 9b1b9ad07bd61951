"""Writes of QA, one module per area: ``scorecards`` (scorecards, versions and a draft's
content) and ``evaluations`` (interactions, evaluations and their answers). Every service runs
in one transaction inside ``bpo.quality.audit.audit_actor`` so the history names who made it."""
