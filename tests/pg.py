"""A real PostgreSQL server for the tests: a private cluster on a Unix socket.

Debian's `postgresql` package (``.ci/run`` installs it) brings ``initdb`` and ``pg_ctl``;
this starts a throwaway cluster in a temporary folder (as the ``postgres`` user when run
as root: PostgreSQL refuses to run as root), with fsync off, and hands out a fresh
database per test. ``SYNDICATOR_TEST_POSTGRES`` (a ``postgresql://`` URL to a server
whose user may create databases) uses a server of your own instead.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

CI = os.environ.get("CI") == "true"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """One cluster per test process; ``database()`` gives each test an empty database."""

    def __init__(self) -> None:
        self._own: str | None = os.environ.get("SYNDICATOR_TEST_POSTGRES")
        self._dir: Path | None = None
        self._names = itertools.count(1)
        self._as: list[str] = []

    @staticmethod
    def available() -> str | None:
        """None when a server can be had here, else why not."""
        if os.environ.get("SYNDICATOR_TEST_POSTGRES"):
            return None
        if _binaries() is None:
            return "PostgreSQL is not installed (apt-get install postgresql)"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser to become the postgres user"
        return None

    def start(self) -> PostgresServer:
        if self._own:
            return self
        bin_dir = _binaries()
        assert bin_dir is not None
        self._dir = Path(tempfile.mkdtemp(prefix="syndicator-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self._dir, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        data = self._dir / "data"
        self._run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        self._run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self._dir / "log"),
                  "-w", "-o", f"-k {self._dir} -c listen_addresses='' -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                  "start")
        return self

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True, timeout=60)

    def url(self, database: str = "postgres") -> str:
        if self._own:
            base = self._own.rsplit("/", 1)[0]
            return f"{base}/{database}"
        return f"postgresql:///{database}?host={quote(str(self._dir), safe='')}&user=postgres"

    def database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        name = f"syndicator_test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self._dir is None:
            return
        bin_dir = _binaries()
        assert bin_dir is not None
        with contextlib.suppress(subprocess.SubprocessError):
            self._run(str(bin_dir / "pg_ctl"), "-D", str(self._dir / "data"), "-m",
                      "immediate", "stop")
        shutil.rmtree(self._dir, ignore_errors=True)
