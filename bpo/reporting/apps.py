from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "bpo.reporting"
    label = "reporting"
    verbose_name = "Weekly reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bpo.reporting import audit

        audit.register_models()
