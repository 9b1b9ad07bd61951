from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "billing.invoices"
    label = "invoices"
    verbose_name = "Invoices, credit notes, payments and line disputes (each client's own)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from billing.invoices import audit

        audit.register_models()
