"""Signed-out browser sessions: a sign-out ends its cookie on the server, not only in the
browser, so a copied cookie stops working too.

Each session cookie carries a random id (`sid`); signing out records it here, in
``<home>/auth/signouts.db``, until the cookie would have expired anyway.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path


class SignedOut:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        if not self._ready:
            with conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS signed_out (sid TEXT PRIMARY KEY, until REAL)"
                )
            self._ready = True
        return conn

    def add(self, sid: str, until: float) -> None:
        """Record `sid` as signed out until `until` (epoch seconds); drop expired ones."""
        with self._lock, closing(self._connect()) as conn, conn:
            conn.execute("DELETE FROM signed_out WHERE until < ?", (time.time(),))
            conn.execute("INSERT OR REPLACE INTO signed_out VALUES (?, ?)", (sid, until))

    def __contains__(self, sid: object) -> bool:
        if not self.path.exists():
            return False
        with self._lock, closing(self._connect()) as conn:
            row = conn.execute("SELECT 1 FROM signed_out WHERE sid = ?", (sid,)).fetchone()
        return row is not None
