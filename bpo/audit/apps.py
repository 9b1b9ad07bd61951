from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bpo.audit"
    label = "audit"
    verbose_name = "Change history (per client)"
    default_auto_field = "django.db.models.BigAutoField"
