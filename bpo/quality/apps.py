from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "bpo.quality"
    label = "quality"
    verbose_name = "Quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bpo.quality import audit

        audit.register_models()
