from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "scheduling.planning"
    label = "planning"
    verbose_name = "Workforce planning (per client)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Celery's autodiscovery finds ``tasks`` modules only; the forecast tasks live apart.
        from scheduling.planning import (  # noqa: F401
            audit,
            forecast_tasks,
            planning_run_tasks,
        )

        audit.register_models()
