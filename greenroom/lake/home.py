"""The greenroom home: validated before the lakehouse touches it.

A home carries ``<home>/greenroom-home.json`` = ``{"layout": 1, "greenroom": "<version>"}``.
The layout number changes whenever the on-disk layout does; a home built by another
layout is refused with a message naming both versions and the fix.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from greenroom import __version__
from greenroom.lake.exceptions import HomeError

LAYOUT_VERSION = 1
MARKER_NAME = "greenroom-home.json"
_REBUILD = "rebuild it with `greenroom demo` (or point GREENROOM_HOME at a new directory)"


def marker_path(home: Path) -> Path:
    return home / MARKER_NAME


def validate_home(home: Path, *, create: bool) -> None:
    """Check `home` is a usable greenroom home; with `create`, make it one.

    Raises `HomeError` when the home is missing (and `create` is false), not a writable
    directory, or was built by an incompatible layout version.
    """
    marker = marker_path(home)
    if not marker.exists():
        if not create:
            raise HomeError(f"no lakehouse at `{home}`: run `greenroom demo` or set GREENROOM_HOME")
        _make_dirs(home)
        _check_writable(home)
        _write_marker(marker)
        return
    if not home.is_dir():
        raise HomeError(
            f"greenroom home `{home}` is not a directory; set GREENROOM_HOME to a directory"
        )
    layout = _read_layout(marker)
    if layout != LAYOUT_VERSION:
        raise HomeError(
            f"the home `{home}` was built with layout version {layout}, this greenroom "
            f"({__version__}) needs layout version {LAYOUT_VERSION}; {_REBUILD}"
        )
    _check_writable(home)


def _make_dirs(home: Path) -> None:
    if home.exists() and not home.is_dir():
        raise HomeError(
            f"greenroom home `{home}` is not a directory; set GREENROOM_HOME to a directory"
        )
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HomeError(
            f"cannot create greenroom home `{home}` ({exc.strerror or exc}); "
            "set GREENROOM_HOME to a writable directory"
        ) from None


def _check_writable(home: Path) -> None:
    if not home.is_dir():
        raise HomeError(
            f"greenroom home `{home}` is not a directory; set GREENROOM_HOME to a directory"
        )
    # os.access lies for root and on some mounts: really try to write.
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=home)
    except OSError as exc:
        raise HomeError(
            f"greenroom home `{home}` is not writable ({exc.strerror or exc}); "
            "fix its permissions or set GREENROOM_HOME to a writable directory"
        ) from None
    os.close(fd)
    os.unlink(probe)


def _read_layout(marker: Path) -> object:
    try:
        content = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HomeError(f"the home marker `{marker}` is unreadable ({exc}); {_REBUILD}") from None
    if not isinstance(content, dict) or "layout" not in content:
        raise HomeError(f"the home marker `{marker}` has no layout version; {_REBUILD}")
    return content["layout"]


def _write_marker(marker: Path) -> None:
    body = json.dumps({"layout": LAYOUT_VERSION, "greenroom": __version__}, indent=2) + "\n"
    # A temporary file of its own per writer: processes creating the same fresh home at
    # once each replace the marker with identical content instead of racing for one tmp.
    fd, tmp = tempfile.mkstemp(prefix=f".{MARKER_NAME}.", suffix=".tmp", dir=marker.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the marker is not
        os.replace(tmp, marker)  # atomic: a concurrent reader sees no half-written marker
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
