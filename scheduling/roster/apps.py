from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "scheduling.roster"
    label = "roster"
    verbose_name = "Agent roster and time off (provider)"
    default_auto_field = "django.db.models.BigAutoField"
