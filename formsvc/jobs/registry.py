"""The kinds of job. A package declares its own with ``@kind(...)`` (e.g. formsvc.review.print_jobs);
the worker knows them all because creating the app imports every package."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formsvc.jobs.runner import JobContext

# Seconds to wait before the 2nd, 3rd, … attempt (the last one repeats): 30 s, 5 min, 30 min, 2 h.
DEFAULT_BACKOFF = (30, 300, 1800, 7200)


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable[[JobContext], None]
    label_ja: str
    label_en: str
    max_attempts: int = 3
    backoff: tuple[int, ...] = DEFAULT_BACKOFF
    # Called in a transaction when a job of this kind has failed for good (e.g. a batch whose
    # chunk failed fails too).
    on_failed: Callable[[JobContext], None] | None = None
    # A periodic kind: huey's crontab fields, e.g. {"minute": "7"} for hourly at :07.
    every: Mapping[str, str] = field(default_factory=dict)

    def delay_before(self, attempt: int) -> int:
        """Seconds to wait before attempt number ``attempt`` (2 or more)."""
        return self.backoff[min(attempt - 2, len(self.backoff) - 1)] if self.backoff else 0


KINDS: dict[str, Kind] = {}


def kind(name: str, *, label: tuple[str, str], max_attempts: int = 3, backoff: tuple[int, ...] = DEFAULT_BACKOFF,
         on_failed: Callable[[JobContext], None] | None = None, every: Mapping[str, str] | None = None):
    """Declare the function below as the job kind ``name`` (labels in Japanese and English)."""

    def register(run: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
        if name in KINDS and KINDS[name].run is not run:
            raise ValueError(f"job kind {name!r} is declared twice")
        KINDS[name] = Kind(name, run, label[0], label[1], max_attempts, backoff, on_failed, dict(every or {}))
        return run

    return register
