from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "billing.runs"
    label = "invoice_runs"
    verbose_name = "Invoice runs across clients (public)"
    default_auto_field = "django.db.models.BigAutoField"
