"""Limits that keep a pathological document from hanging the importer.

Each is refused with a one-line ``TrackerError`` rather than parsed slowly. They sit far
above any real tracker (the seed is 9 KB; a 20,000-task tracker is about 4.5 MB), and
parsing runs at 6-10 MB/s, so the largest accepted file is read in about 2-3 seconds.
"""

from __future__ import annotations

#: Largest file ``read_document`` accepts, in bytes (checked before reading it).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest text ``parse_document`` accepts, in characters.
MAX_TEXT_CHARS = MAX_FILE_BYTES
#: Most lines a document may have.
MAX_LINES = 500_000
#: Longest line, in characters; a longer one is refused with its line number.
MAX_LINE_CHARS = 100_000
#: Widest table the importer models; a wider table is kept verbatim as raw markdown.
MAX_TABLE_COLUMNS = 200
