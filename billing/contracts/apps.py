from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "billing.contracts"
    label = "contracts"
    verbose_name = "Contracts and billing contacts (per client)"
    default_auto_field = "django.db.models.BigAutoField"
