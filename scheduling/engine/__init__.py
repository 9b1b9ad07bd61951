"""Pure workforce algorithms: Erlang staffing, volume forecasting and the shift optimiser.

Nothing in this package imports Django (an import-linter contract enforces it), so the
algorithms can be tested and benchmarked alone; the Django apps adapt models to plain data.
"""
