"""One place that creates HiGHS instances, so the thread count stays consistent in a process.

HiGHS keeps one global task scheduler per process, sized by the first run; a later run asking
for another thread count does not solve at all (model status "Not Set"). Every instance is made
here, and the scheduler is reset whenever the requested count changes.
"""

from __future__ import annotations

import highspy

_current_threads: int | None = None


def new_highs(*, threads: int | None = None, time_limit: float | None = None) -> highspy.Highs:
    """A silent HiGHS instance using ``threads`` (default: the count in use, else one)."""
    global _current_threads
    wanted = threads if threads is not None else (_current_threads or 1)
    if _current_threads is not None and wanted != _current_threads:
        highspy.Highs.resetGlobalScheduler(True)
    _current_threads = wanted
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", wanted)
    if time_limit is not None:
        highs.setOptionValue("time_limit", max(float(time_limit), 0.01))
    return highs
