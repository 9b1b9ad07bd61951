"""Development: DEBUG on, everything embedded."""

from bpo.settings.base import *  # noqa: F403
from bpo.settings.base import env_bool

DEBUG = env_bool("DEBUG", True)

# Serve static files straight from the apps (no collectstatic in development).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
