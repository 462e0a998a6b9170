"""What a test needs from the machine, and what happens when it is missing.

A test that needs PostgreSQL, tmux, the corpus or root skips on a developer's machine that
lacks it, but fails under ``CI=true``: CI installs all of them, so a missing one there means
the run checked nothing and must not go green.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(why: str) -> NoReturn:
    """Skip the test because ``why``; under ``CI=true`` fail it instead."""
    if in_ci():
        pytest.fail(f"CI=true, but {why}", pytrace=False)
    pytest.skip(why)
