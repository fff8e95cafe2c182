"""Signal handling for the daemon: handlers only set flags and wake the main loop.

SIGTERM / SIGINT ask for a clean stop; SIGHUP asks for a config reload. The main thread sleeps in
:meth:`Flags.wait` and does the actual work, outside the handler.

The handlers touch no lock: they assign a boolean and write one byte to a non-blocking pipe (the
self-pipe trick). A ``threading.Event`` would not do: ``Event.set`` takes a non-reentrant lock that
the interrupted main thread may be holding inside ``Event.wait``, which deadlocks.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
from collections.abc import Callable
from types import FrameType


class Flags:
    """Stop/reload requests plus a pipe to wake the sleeping main thread. Safe in handlers."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        for fd in (self._read, self._write):
            os.set_blocking(fd, False)
            os.set_inheritable(fd, False)
        self.stop_requested = False
        self.reload_requested = False

    def request_stop(self) -> None:
        self.stop_requested = True
        self._poke()

    def request_reload(self) -> None:
        self.reload_requested = True
        self._poke()

    def _poke(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):  # a full pipe is already awake
            os.write(self._write, b"!")

    def wait(self, timeout: float | None) -> None:
        """Sleep up to ``timeout`` seconds, or until a request arrives."""
        if not (self.stop_requested or self.reload_requested):
            select.select([self._read], [], [], timeout)
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self._read, 512):
                pass

    def sleep_unless_stopped(self, seconds: float) -> bool:
        """For polling loops: sleep, then say whether a stop was requested."""
        self.wait(seconds)
        return self.stop_requested

    def take_reload(self) -> bool:
        requested, self.reload_requested = self.reload_requested, False
        return requested

    def close(self) -> None:
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


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
