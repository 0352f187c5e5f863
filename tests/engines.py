"""Real database engines for the tests: a PostgreSQL cluster started once per session.

``initdb`` + ``pg_ctl`` in a temporary folder, listening on 127.0.0.1 on a free port, tuned for
speed (``fsync=off``, ``synchronous_commit=off``, ``full_page_writes=off``: a crash loses a
test cluster, nothing else), its files under ``/dev/shm`` when it has 2 GB free. Each test
that asks for ``postgres_url`` gets a database of its own. PostgreSQL refuses to run as root,
so as root the cluster runs as the Debian ``postgres`` user. Tests skip with the reason when PostgreSQL is not
installed (``.ci/run`` installs the Debian ``postgresql`` package when it is missing).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    """The folder of initdb/pg_ctl: ``pg_config --bindir``, else the newest Debian one."""
    candidates = []
    if shutil.which("pg_config"):
        done = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if done.returncode == 0:
            candidates.append(done.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                         reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_folder(need: int = 2 << 30) -> str | None:
    """``/dev/shm`` when it is a folder with ``need`` bytes free (the cluster's files then
    live in memory: no disk writes at all), else ``None`` (the usual temporary folder)."""
    try:
        usage = shutil.disk_usage("/dev/shm")
    except OSError:
        return None
    return "/dev/shm" if usage.free >= need and os.access("/dev/shm", os.W_OK) else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster; :meth:`new_database` makes an empty database per test."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="wirefeed-pg-", dir=_memory_folder()))
        self.port = _free_port()
        self._names = itertools.count(1)
        self._runas: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._runas = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._runas, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        data = self.folder / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres",
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   "-c shared_buffers=64MB")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", options,
                  "-l", str(self.folder / "log"), "-w", "-t", "60", "start")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            # FILE_COPY (PostgreSQL 15+) copies the small template faster than logging it.
            strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0{strategy}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                      "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's PostgreSQL cluster (skips the test when PostgreSQL is not installed)."""
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (initdb/pg_ctl not found; Debian: postgresql)")
    cluster = None
    try:
        cluster = PostgresCluster(bindir)
        cluster.start()
    except (RuntimeError, OSError, KeyError, subprocess.SubprocessError) as exc:
        if cluster is not None:
            shutil.rmtree(cluster.folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL could not be started: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """The URL of an empty PostgreSQL database of this test's own."""
    return postgres_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path):
    """An archive location on each backend: an SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "wire.db"
    return request.getfixturevalue("postgres_url")


def archive_rows(database, sql: str, params=()) -> list[tuple]:
    """The rows of ``sql`` (``?`` parameters) in the archive at ``database``, either backend."""
    from ingest.archive import open_archive

    archive = open_archive(database)
    try:
        return [tuple(row) for row in archive.conn.execute(sql, params).fetchall()]
    finally:
        archive.close()


def use_database(config: Path, database) -> None:
    """Point the configuration file at ``database`` (an SQLite path or a PostgreSQL URL)."""
    lines = config.read_text(encoding="utf-8").split("\n")
    lines = [f'database = "{database}"' if line.startswith("database =") else line
             for line in lines]
    config.write_text("\n".join(lines), encoding="utf-8")
