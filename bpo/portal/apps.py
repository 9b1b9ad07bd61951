from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bpo.portal"
    label = "portal"
    verbose_name = "Portal shell"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's ``todos.py`` registers its to-do provider (bpo.portal.todos).
        autodiscover_modules("todos")
