"""Issued invoices and credit notes are final: the database refuses to rewrite them.

Through ``bpo.frozen_rows`` (the one generic trigger function; see its docstring):

- ``invoices_invoice``: a document out of draft cannot be deleted, moved back to draft, or
  changed except in its payment, credit and void columns (``MUTABLE_ONCE_ISSUED``);
- ``invoices_invoiceline`` and ``invoices_lineevidence``: no row of an issued document is
  inserted, changed or deleted.

Deleting a client's invoices on purpose sets ``SET LOCAL bpo.purge_invoices = 'on'`` first.
"""

from django.db import migrations

from bpo import frozen_rows

OPEN = ["draft"]
# billing.invoices.models.MUTABLE_ONCE_ISSUED, as of this migration (a migration keeps its own
# copy: a later change of the model's list needs a migration of its own).
MUTABLE_ONCE_ISSUED = [
    "status",
    "paid_amount",
    "credited_amount",
    "due_amount",
    "void_reason",
    "voided_at",
    "voided_by_id",
    "updated_at",
]
PURGE = "bpo.purge_invoices"
REFUSAL = "Issued documents are final; corrections are made by credit note."

FORWARD = "\n".join(
    [
        frozen_rows.create_function_sql(),
        frozen_rows.guard_record_sql(
            table="invoices_invoice",
            status_column="status",
            open_statuses=OPEN,
            mutable_columns=MUTABLE_ONCE_ISSUED,
            purge_setting=PURGE,
            refusal=REFUSAL,
        ),
        frozen_rows.guard_rows_sql(
            table="invoices_invoiceline",
            record_table="invoices_invoice",
            link_column="invoice_id",
            status_column="status",
            open_statuses=OPEN,
            purge_setting=PURGE,
            refusal=REFUSAL,
        ),
        frozen_rows.guard_rows_sql(
            table="invoices_lineevidence",
            record_table="invoices_invoice",
            link_column="invoice_id",
            status_column="status",
            open_statuses=OPEN,
            purge_setting=PURGE,
            refusal=REFUSAL,
        ),
    ]
)
REVERSE = "\n".join(
    frozen_rows.drop_guard_sql(table)
    for table in ("invoices_lineevidence", "invoices_invoiceline", "invoices_invoice")
)


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
