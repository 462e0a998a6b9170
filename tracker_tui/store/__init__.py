"""The tracker store: SQLModel tables, a light read path, validated writes, the history."""

from tracker_tui.store.store import RISK_FIELDS, TASK_FIELDS, Store
from tracker_tui.store.target import StoreTarget, current_user, resolve_target

__all__ = ["RISK_FIELDS", "TASK_FIELDS", "Store", "StoreTarget", "current_user", "resolve_target"]
