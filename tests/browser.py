"""Real Chromium for tests: find it, or skip with the reason (fail in CI where it must run)."""

from __future__ import annotations

import os
import shutil

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    """Path of a Chromium; skip the test (with the reason shown) when absent, fail when
    KOHYO_REQUIRE_CHROMIUM is set (as .ci/run does)."""
    exe = next((path for name in NAMES if (path := shutil.which(name))), None)
    if exe is None:
        reason = "Chromium is not installed: apt-get install chromium"
        if os.environ.get("KOHYO_REQUIRE_CHROMIUM"):
            pytest.fail(reason + " (KOHYO_REQUIRE_CHROMIUM is set)")
        pytest.skip(reason)
    return exe
