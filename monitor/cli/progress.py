"""Progress bars on stderr (hidden when stderr is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def byte_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar over ``total`` bytes; yields ``advance_to(position)``."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                        TimeRemainingColumn(), console=console, disable=not console.is_terminal,
                        transient=True)
    with progress:
        task = progress.add_task(label, total=total or None)
        yield lambda position: progress.update(task, completed=position)


@contextmanager
def count_progress(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A bar over ``total`` items; yields ``advance(n)``."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    progress = Progress(console=console, disable=not console.is_terminal, transient=True)
    with progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
