"""An invoice's contract version becomes a foreign key (the column and its values stay)."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
ALTER TABLE invoices_invoice DROP CONSTRAINT IF EXISTS invoices_invoice_contract_version_id_check;
ALTER TABLE invoices_invoice ADD CONSTRAINT invoices_invoice_contract_version_id_fk
    FOREIGN KEY (contract_version_id) REFERENCES contracts_contractversion (id)
    DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX invoices_invoice_contract_version_id_idx ON invoices_invoice (contract_version_id);
"""
BACKWARD = """
DROP INDEX IF EXISTS invoices_invoice_contract_version_id_idx;
ALTER TABLE invoices_invoice DROP CONSTRAINT IF EXISTS invoices_invoice_contract_version_id_fk;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_first_versions"),
        ("invoices", "0003_issued_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="invoice", name="contract_version_id"),
                migrations.AddField(
                    model_name="invoice",
                    name="contract_version",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="contracts.contractversion",
                    ),
                    preserve_default=False,
                ),
            ],
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
        )
    ]
