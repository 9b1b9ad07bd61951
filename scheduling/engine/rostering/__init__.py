"""Multi-day rostering of named staff by day and shift type (the Curtois & Qu benchmark format).

Pure: no Django. ``reader`` parses the format into frozen dataclasses, ``model`` builds the MIP,
``solve`` runs HiGHS (the weekly optimiser's solver, through its ``new_highs`` helper) with a
large-neighbourhood search on top, and ``validate`` checks a roster independently of the model.
"""
