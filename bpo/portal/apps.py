from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bpo.portal"
    label = "portal"
    verbose_name = "Portal shell"
