"""Writes of QA, one module per area: ``scorecards`` (scorecards, versions and a draft's
content), ``evaluations`` (interactions, evaluations and their answers) and ``sampling`` (the
interaction list's import, sampling plans, the week's draw). Every service runs in one
transaction inside ``bpo.quality.audit.audit_actor`` so the history names who made it."""
