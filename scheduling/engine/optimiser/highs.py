"""One place that creates HiGHS instances, so the thread count stays consistent in a process.

HiGHS keeps one global task scheduler per process, sized by the first run; a later run asking
for another thread count does not solve at all (model status "Not Set"). Every instance is made
here, and the scheduler is reset whenever the requested count changes.
"""

from __future__ import annotations

from typing import Protocol

import highspy
import numpy as np
from scipy import sparse

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


class LinearModel(Protocol):
    """What :func:`model_highs` reads: columns with costs and bounds, rows with bounds, a
    column-wise matrix, and the first ``x_count`` columns integer in a MIP."""

    @property
    def num_col(self) -> int: ...
    @property
    def num_row(self) -> int: ...
    @property
    def x_count(self) -> int: ...
    @property
    def col_cost(self) -> np.ndarray: ...
    @property
    def col_lower(self) -> np.ndarray: ...
    @property
    def col_upper(self) -> np.ndarray: ...
    @property
    def row_lower(self) -> np.ndarray: ...
    @property
    def row_upper(self) -> np.ndarray: ...
    @property
    def matrix(self) -> sparse.csc_matrix: ...


def model_highs(
    model: LinearModel,
    *,
    integer: bool,
    time_limit: float,
    threads: int = 1,
    seed: int = 0,
    log: bool = False,
    offset: float = 0.0,
    col_lower: np.ndarray | None = None,
    col_upper: np.ndarray | None = None,
    extra_options: dict[str, bool | int | float | str] | None = None,
) -> highspy.Highs:
    """A configured HiGHS instance holding ``model`` (integer x columns if ``integer``);
    ``col_lower``/``col_upper`` replace the model's bounds (a neighbourhood's fixings)."""
    lp = highspy.HighsLp()
    lp.num_col_ = model.num_col
    lp.num_row_ = model.num_row
    lp.col_cost_ = model.col_cost
    lp.col_lower_ = model.col_lower if col_lower is None else col_lower
    lp.col_upper_ = model.col_upper if col_upper is None else col_upper
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.offset_ = offset
    matrix = model.matrix
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    if integer:
        kinds = [highspy.HighsVarType.kContinuous] * model.num_col
        for c in range(model.x_count):
            kinds[c] = highspy.HighsVarType.kInteger
        lp.integrality_ = kinds
    highs = new_highs(threads=threads, time_limit=time_limit)
    highs.setOptionValue("output_flag", log)
    highs.setOptionValue("random_seed", seed)
    for name, value in (extra_options or {}).items():
        highs.setOptionValue(name, value)
    highs.passModel(lp)
    return highs
