from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "scheduling.planning"
    label = "planning"
    verbose_name = "Workforce planning (per client)"
    default_auto_field = "django.db.models.BigAutoField"
