"""A spare tab process: started before its browser tab connects, its imports done, then
handed the tab's terminal size and editor's name in one packet on its stdin.

Starting Python and importing Textual and the dashboard is most of a tab's wait for its
first frame on a busy 2-core box (docs/performance.md); a spare does that before anyone
waits. The packet is textual-serve's own framing (``M``, a 4-byte length, JSON), the same
stream the dashboard then reads its keys from, so nothing after it is lost.

Standard library only: the tab's process reads it before it imports anything else.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

#: Set in a spare's environment: wait for a handover before starting the dashboard.
SPARE_ENV = "TRACKER_TUI_SERVE_SPARE"
HANDOVER_TYPE = "handover"
#: No handover is longer: a packet claiming more is not one.
_MAX_PAYLOAD = 4096


@dataclass(frozen=True)
class Handover:
    """What a spare learns when its tab connects."""

    width: int
    height: int
    name: str

    def meta(self) -> dict[str, str | int | bool | None]:
        """The meta packet's JSON, as the server sends it (typed as ``AppService.send_meta``
        takes it)."""
        return {
            "type": HANDOVER_TYPE,
            "width": self.width,
            "height": self.height,
            "name": self.name,
        }


def read_handover(fd: int) -> Handover | None:
    """The handover on ``fd``, read to its last byte and no further; None when the server
    closed the pipe or sent anything else (``quit``: it is stopping)."""
    header = _read_exactly(fd, 5)
    if header is None or header[:1] != b"M":
        return None
    size = int.from_bytes(header[1:], "big")
    payload = _read_exactly(fd, size) if size <= _MAX_PAYLOAD else None
    if payload is None:
        return None
    try:
        data = json.loads(payload)
        if data.get("type") != HANDOVER_TYPE:
            return None
        width, height, name = data["width"], data["height"], data["name"]
    except (ValueError, AttributeError, KeyError):
        return None
    if not (isinstance(width, int) and isinstance(height, int) and isinstance(name, str)):
        return None
    return Handover(width, height, name)


def _read_exactly(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data
