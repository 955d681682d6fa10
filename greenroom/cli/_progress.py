"""A progress display for long work that reports named steps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def step_progress(title: str, *, disable: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield a callback `progress(step)`; each call shows the step being worked on.

    Rich writes to stderr so `--json` output on stdout stays clean.
    """
    if disable:
        yield lambda _step: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None, step="")
        done: list[str] = []

        def report(step: str) -> None:
            if done:
                console.print(f"  [green]✓[/] {done[-1]}")
            done.append(step)
            bar.update(task, step=step)

        yield report
        if done:
            console.print(f"  [green]✓[/] {done[-1]}")
