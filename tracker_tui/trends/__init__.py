"""Progress over time: the daily series drawn from the store's history and from what the
imported document says about its past, and the forecast per milestone.

Pure computation on plain values (no Textual, no SQL): the store reads the inputs
(``store/trend_history.py``), the Trends screen, the Snapshot header, ``tracker-tui
trend`` and the stand-up report all call these functions.
"""
