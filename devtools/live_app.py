"""The real app on a local port, and Debian chromium offline: shared by tests, bench, screenshots.

`start_app` launches `streamlit run` (the dashboard, or any script) on a local
port; `wait_healthy` waits for `/_stcore/health`; `running_app` does both and
stops the server (its own process only) when the block ends. `launch_chromium`
starts headless Debian chromium with flags that keep it from calling home, and
`Offline` aborts and records every request to anything but the local server.
Callers keep their own policies (time limits, viewports, what "rendered" means).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVER_ENTRY = REPO_ROOT / "app.py"  # what `make run` serves: dashboard.py + warm-up
CHROMIUM = Path("/usr/bin/chromium")
# No background traffic (updates, sync, component downloads): the browser stays offline too.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
START_SECONDS = 90


class AppStartError(RuntimeError):
    """The server stopped or did not answer in time; the message ends with its log."""


@dataclass(frozen=True)
class AppPage:
    """A page registered in the entry point: URL path ('' for the default), title, file stem."""

    url_path: str
    title: str
    stem: str


def registered_pages() -> list[AppPage]:
    """Every page of the dashboard, from its one list (`ui/page_list.py`)."""
    from ui.page_list import PAGES

    return [AppPage(p.url_path, p.title, p.stem) for p in PAGES]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(
    db: Path | None,
    port: int,
    log: Path | None,
    extra_env: Mapping[str, str] | None = None,
    script: Path = SERVER_ENTRY,
) -> subprocess.Popen:
    """Launch `streamlit run <script>` on 127.0.0.1:`port`; returns at once, does not wait.

    `db` becomes CENTRALE_DB (None: left as the environment has it); `extra_env`
    is added last. The server runs in the script's folder (so it reads that
    folder's `.streamlit/config.toml`), headless, without file watcher or usage
    statistics; its output goes to `log` (None: discarded).
    """
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    if db is not None:
        env["CENTRALE_DB"] = str(db)
    env.update(extra_env or {})
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script.name,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    if log is None:
        return subprocess.Popen(
            command,
            cwd=script.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=script.parent, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _log_end(log: Path | None, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log and log.exists() else ""


def wait_healthy(
    url: str, process: subprocess.Popen, log: Path | None, timeout: float = START_SECONDS
) -> None:
    """Return once `<url>/_stcore/health` answers 200; AppStartError if the server dies or
    is still silent after `timeout` seconds (the process is then left to the caller)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AppStartError(f"streamlit s'est arrêté au démarrage :\n{_log_end(log)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AppStartError(f"streamlit ne répond pas après {timeout:g} s :\n{_log_end(log)}")


def stop_app(process: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate the server (this process only); kill it if it lingers past `timeout`."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class LiveApp:
    """A running server: base URL (no trailing slash), its log, its process."""

    url: str
    log: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 40) -> str:
        """The last `lines` lines of the server's output (tracebacks of failed runs)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running_app(
    db: Path,
    log: Path,
    extra_env: Mapping[str, str] | None = None,
    port: int | None = None,
    timeout: float = START_SECONDS,
) -> Iterator[LiveApp]:
    """`streamlit run dashboard.py` reading `db`, healthy, on `port` (default: a free one).

    Raises AppStartError if it does not come up; stopped when the block ends.
    """
    port = port or free_port()
    process = start_app(db, port, log, extra_env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log, timeout)
        yield LiveApp(url, log, process)
    finally:
        stop_app(process)


def launch_chromium(playwright, headless: bool = True):
    """Debian chromium through Playwright's `chromium.launch`, with the offline flags."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=headless
    )


@dataclass
class Offline:
    """A Playwright route handler: requests to anything but the local server are aborted,
    and listed in `blocked` (use: `context.route("**/*", offline.route)`)."""

    blocked: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()
