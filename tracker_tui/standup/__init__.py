"""The stand-up: what changed since a baseline, and the update to post afterwards.

Pure computation over domain values (no Textual, no Rich, no SQL):

- ``baseline``: which moment "since" means (``--since``, the last stand-up, the previous
  working day), and how it is shown (absolute, and "N h ago");
- ``net``: the net change of each task, risk and record from the per-field history;
- ``since``: the Since view (moved, completed, blocked, no movement, risks, decisions,
  log, checkpoints due) built from one history query and the current rows;
- ``owners``: who the walk-through visits, in which order, with which tasks;
- ``report``: the update to post, as markdown, text or JSON.
"""
