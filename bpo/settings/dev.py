"""Development: DEBUG on, everything embedded."""

from bpo.settings.base import *  # noqa: F403
from bpo.settings.base import env_bool

DEBUG = env_bool("DEBUG", True)
