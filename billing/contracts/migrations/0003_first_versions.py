"""The contract each existing client got at onboarding becomes version 1 of its contract:
same currency, payment terms and start day, the client's legal name and country as the buyer,
and the default seller (``settings.BILLING_DEFAULT_SELLER``, created in public if missing)."""

from django.conf import settings
from django.db import connection, migrations


def first_versions(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    ContractVersion = apps.get_model("contracts", "ContractVersion")
    contracts = list(Contract.objects.filter(versions__isnull=True))
    if not contracts:
        return
    LegalEntity = apps.get_model("ledger", "LegalEntity")
    Client = apps.get_model("tenants", "Client")
    values = dict(settings.BILLING_DEFAULT_SELLER)
    seller = LegalEntity.objects.filter(name=values["name"]).first()
    if seller is None:
        seller = LegalEntity.objects.create(**values)
    client = Client.objects.filter(schema_name=connection.schema_name).first()
    for contract in contracts:
        ContractVersion.objects.create(
            contract=contract,
            number=1,
            effective_from=contract.starts_on,
            seller_id=seller.pk,
            buyer_legal_name=(client.legal_name or client.name) if client else "",
            buyer_country=client.country if client else "",
            currency=contract.currency,
            payment_terms_days=contract.payment_terms_days,
            note="The contract chosen at onboarding.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_versions_and_rate_cards"),
        ("tenants", "0001_initial"),
    ]

    operations = [migrations.RunPython(first_versions, migrations.RunPython.noop)]
