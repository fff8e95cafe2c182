"""Signal handling for the daemon: handlers only set flags and wake the main loop.

SIGTERM / SIGINT ask for a clean stop; SIGHUP asks for a config reload. The main thread waits on
``Flags.wake`` and does the actual work, outside the handler.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType


@dataclass(frozen=True, slots=True)
class Flags:
    stop: threading.Event = field(default_factory=threading.Event)
    reload: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()

    def request_reload(self) -> None:
        self.reload.set()
        self.wake.set()


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install(flags: Flags) -> Callable[[], None]:
    """Install the handlers (main thread only); returns a function restoring the old ones."""

    def on_stop(signum: int, frame: FrameType | None) -> None:
        flags.request_stop()

    def on_hup(signum: int, frame: FrameType | None) -> None:
        flags.request_reload()

    previous = {sig: signal.signal(sig, on_stop) for sig in STOP_SIGNALS}
    previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, on_hup)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
