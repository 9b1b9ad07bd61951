"""The QA app's to-dos (found by ``bpo.portal``'s autodiscovery): each part registers its own
provider when imported."""

from bpo.quality import calibration_todos  # noqa: F401
