from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "billing.ledger"
    label = "ledger"
    verbose_name = "The provider's legal entities, number series and invoice register (public)"
    default_auto_field = "django.db.models.BigAutoField"
