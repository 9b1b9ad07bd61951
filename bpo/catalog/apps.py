from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "bpo.catalog"
    label = "catalog"
    verbose_name = "Service catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bpo.catalog import audit

        audit.register_models()
