"""What the risk services share: progress reporting and where trained models live."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

Progress = Callable[[str], None] | None


def say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "risk" / "models"
