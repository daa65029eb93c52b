"""A throwaway PostgreSQL 15 server in a temporary directory (Debian's `postgresql` package).

Hand-written because the PyPI helpers (pytest-postgresql, testing.postgresql) cannot run the
server as another user, and PostgreSQL refuses to run as root, which is how CI runs the tests:
as root, the data directory is given to an unprivileged user (`nobody`) and every server
command runs through `runuser`. The server listens on a free port on 127.0.0.1 only, with
trust authentication, and is stopped and deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tradelane.node import free_port

__all__ = ["BIN", "PostgresServer", "available"]

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "nobody"


def available() -> bool:
    return (BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


class PostgresServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="tradelane-pg-"))
        self.port = free_port()
        self._databases = 0

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", USER, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            shutil.chown(self.dir, USER)
        data = self.dir / "data"
        self._run(BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.dir} -c fsync=off -c full_page_writes=off"
        )
        self._run(BIN / "pg_ctl", "-D", data, "-o", options, "-l", self.dir / "log", "-w", "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                create_engine(self.url("postgres")).connect().close()
                return self
            except Exception:  # noqa: BLE001 - not accepting connections yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        self._databases += 1
        name = f"index_{self._databases}"
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        engine.dispose()
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(BIN / "pg_ctl", "-D", self.dir / "data", "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
