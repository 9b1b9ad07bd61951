"""Development (``make run``): everything embedded. DEBUG is off unless ``DEBUG=1``, so a
browser sees the portal's own error pages, never Django's technical ones."""

from bpo.settings.base import *  # noqa: F403
from bpo.settings.base import env_bool

DEBUG = env_bool("DEBUG", False)

# Serve static files straight from the apps (no collectstatic in development), by whitenoise,
# which needs no DEBUG.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
