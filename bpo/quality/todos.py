"""QA's to-dos on the home pages (``bpo.portal.todos`` finds this module): each area
registers its provider in its own module."""

from bpo.quality import sampling_todos  # noqa: F401 (registers the sampling to-dos)
