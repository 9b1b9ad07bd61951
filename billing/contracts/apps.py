from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "billing.contracts"
    label = "contracts"
    verbose_name = "Contracts, versions and rate cards (per client)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing.contracts import audit

        audit.register_models()
