"""Fault injection for the crash tests: `point(name)` kills the process (as kill -9 would)
when KMS_FAULT names that point. Points: read, mid-batch, before-index, index-commit."""
from __future__ import annotations

import os
import signal


def point(name: str) -> None:
    if os.environ.get("KMS_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
