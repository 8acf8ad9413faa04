"""Many people at once: websocket clients against one `streamlit run app.py`, loopback only.

    python -m bench load [--people 1,10,30] [--reading 10] [--rounds 2] [--burst 20]
                         [--rebuilds 5] [--json PATH]

Each simulated person speaks Streamlit's own protocol (protobuf `BackMsg` /
`ForwardMsg` over the `/_stcore/stream` websocket, as the browser does): it
opens the overview, map, commune and survey pages in turn, `--rounds` times,
with about `--reading` seconds of reading between clicks (±30 %, so clicks do
not line up). People arrive spread over the first reading pause. While they
click, the store is rebuilt `--rebuilds` times by `python -m etl build` into
the file the server reads (the real `os.replace` path).

Page time: from the click (a `rerun_script` sent) to the run's end
(`script_finished`, after any rerun the page asked for, and after the rest that a tab's
first page has the browser ask for: the client asks for it at once, through the
fragment). Pages running within AFTER_REBUILD seconds after a rebuild replaced the
store (every cached read misses then: the new store's first reads are computed) are
counted apart too:
their p95 against the other pages' says whether readers wait on a rebuild. An error: a
connection that fails, a page over the time limit, a script exception or a
French error box (`st.error`) drawn by the page.

Then the burst: `--burst` sessions open the overview within the same second,
while a prober pings the server every 0.25 s (websocket ping + `/_stcore/health`)
and records the slowest answer. After the burst the sessions stay open and
idle; server memory per idle session = (RSS with them − RSS before) / count.

Every loop is bounded (people × rounds × pages; burst size; time limit per
page) and every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.proc import REPO
from centrale import fmt
from centrale.cli import FrenchArgumentParser
from devtools.live_app import free_port, start_app, stop_app, wait_healthy

# (url path, query string): the four pages a visitor reads.
PAGES = (("", ""), ("map", ""), ("commune", "nis=84009"), ("survey", ""))
PAGE_LIMIT = 180.0  # seconds: a page slower than this counts as an error
AFTER_REBUILD = 5.0  # seconds after a rebuild during which a page counts as "right after"
SEED = 15


@dataclass
class Run:
    """What one scenario measured."""

    people: int
    page_times: list[float] = field(default_factory=list)
    page_starts: list[float] = field(default_factory=list)  # time.monotonic() at each click
    rebuilt_at: list[float] = field(default_factory=list)  # time.monotonic() at each rebuild's end
    errors: list[str] = field(default_factory=list)
    ping_max: float = 0.0
    health_max: float = 0.0
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0
    server_cpu_s: float = 0.0  # the server's processor time (user + system) over the scenario

    def percentile(self, q: float, times: list[float] | None = None) -> float:
        times = self.page_times if times is None else times
        if not times:
            return float("nan")
        if len(times) == 1:
            return times[0]
        return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]

    def after_rebuild(self) -> tuple[list[float], list[float]]:
        """Page times split: pages running at some point in the AFTER_REBUILD seconds
        after a rebuild ended, and the others."""
        after, other = [], []
        for start, took in zip(self.page_starts, self.page_times):
            near = any(
                start < end + AFTER_REBUILD and start + took > end for end in self.rebuilt_at
            )
            (after if near else other).append(took)
        return after, other

    def summary(self) -> dict:
        after, other = self.after_rebuild()
        return {
            "people": self.people,
            "pages": len(self.page_times),
            "p50_s": round(self.percentile(50), 3),
            "p95_s": round(self.percentile(95), 3),
            "pages_after_rebuild": len(after),
            "p95_after_rebuild_s": round(self.percentile(95, after), 3),
            "p95_other_pages_s": round(self.percentile(95, other), 3),
            "errors": len(self.errors),
            "error_samples": self.errors[:5],
            "ping_max_s": round(self.ping_max, 3),
            "health_max_s": round(self.health_max, 3),
            "rss_before_mb": round(self.rss_before_mb, 1),
            "rss_after_mb": round(self.rss_after_mb, 1),
            "server_cpu_s": round(self.server_cpu_s, 2),
            # What a page costs the server whatever else runs on the machine (a shared
            # machine stretches page times, much less the processor time they take).
            "server_cpu_per_page_ms": round(1000 * self.server_cpu_s / len(self.page_times))
            if self.page_times and self.server_cpu_s
            else None,
        }


def cpu_seconds(pid: int) -> float:
    """Processor time (user + system) a process has used so far, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """One browser tab: a websocket speaking Streamlit's protocol."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = None

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=PAGE_LIMIT
        )

    async def page(self, url_path: str, query: str) -> list[str]:
        """Open a page and wait for its run to end; the problems seen (empty: fine)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = url_path
        await self.ws.send(msg.SerializeToString())
        problems = []
        rest = None  # the fragment a tab's first page asks the browser to rerun
        while True:
            fwd = ForwardMsg.FromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "auto_rerun":
                rest = fwd.auto_rerun.fragment_id
                continue
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "exception":
                    problems.append(f"/{url_path} : exception (voir bench/out/load-server.log)")
                elif element.WhichOneof("type") == "alert" and element.alert.format == 1:
                    problems.append(f"/{url_path} : st.error : {element.alert.body[:120]}")
            elif kind == "page_not_found":
                problems.append(f"page introuvable : {url_path}")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page asked for a rerun: its time goes on
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    problems.append("erreur de compilation")
                if rest is not None:
                    # A tab's first page shows its figures, then the browser asks for the
                    # rest once it has painted them (ui/first_paint.py); no paint here, so
                    # at once, through the fragment. The page's time goes on.
                    again = BackMsg()
                    again.rerun_script.query_string = query
                    again.rerun_script.page_name = url_path
                    again.rerun_script.fragment_id = rest
                    again.rerun_script.is_auto_rerun = True
                    rest = None
                    await self.ws.send(again.SerializeToString())
                    continue
                return problems

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def _timed_page(session: Session, run: Run, url_path: str, query: str) -> None:
    started = time.monotonic()
    try:
        problems = await asyncio.wait_for(session.page(url_path, query), PAGE_LIMIT)
    except TimeoutError:
        problems = [f"page /{url_path} au-delà de {PAGE_LIMIT:g} s"]
    except Exception as exc:  # a dropped connection is an error of the run, not of the bench
        problems = [f"/{url_path} : {type(exc).__name__} {exc}"]
    run.page_starts.append(started)
    run.page_times.append(time.monotonic() - started)
    run.errors.extend(problems)


async def _person(url: str, run: Run, rounds: int, reading: float, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, reading))  # people arrive over the first pause
    session = Session(url)
    try:
        await session.open()
    except Exception as exc:
        run.errors.append(f"connexion : {type(exc).__name__} {exc}")
        return
    try:
        for i in range(rounds):
            for j, (url_path, query) in enumerate(PAGES):
                await _timed_page(session, run, url_path, query)
                if i < rounds - 1 or j < len(PAGES) - 1:
                    await asyncio.sleep(reading * rng.uniform(0.7, 1.3))
    finally:
        await session.close()


async def _probe(url: str, run: Run, stop: asyncio.Event) -> None:
    """Websocket ping and health check every 0.25 s: the slowest answers = the stalls."""
    from websockets.asyncio.client import connect

    def health() -> float:
        started = time.monotonic()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=PAGE_LIMIT) as answer:
            answer.read()
        return time.monotonic() - started

    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(ws_url, subprotocols=["streamlit"], ping_interval=None) as ws:
        while not stop.is_set():
            started = time.monotonic()
            pong = await ws.ping()
            await asyncio.wait_for(pong, PAGE_LIMIT)
            run.ping_max = max(run.ping_max, time.monotonic() - started)
            run.health_max = max(run.health_max, await asyncio.to_thread(health))
            await asyncio.sleep(0.25)


def _rebuild(sources: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--sources", str(sources), "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def _rebuilds(sources: Path, db: Path, count: int, every: float, run: Run) -> None:
    for _ in range(count):
        await asyncio.sleep(every)
        build = await asyncio.to_thread(_rebuild, sources, db)
        _, err = await asyncio.to_thread(build.communicate)
        run.rebuilt_at.append(time.monotonic())
        if build.returncode != 0:
            run.errors.append(f"reconstruction : code {build.returncode} {err.decode()[-200:]}")


async def people_run(url, sources, db, people, rounds, reading, rebuilds, seed, pid=None) -> Run:
    run = Run(people)
    cpu_before = cpu_seconds(pid) if pid else 0.0
    rng = random.Random(seed)
    stop = asyncio.Event()
    probe = asyncio.create_task(_probe(url, run, stop))
    duration = reading * (rounds * len(PAGES))  # about how long the reading lasts
    builder = asyncio.create_task(_rebuilds(sources, db, rebuilds, duration / (rebuilds + 1), run))
    rngs = [random.Random(rng.random()) for _ in range(people)]
    await asyncio.gather(*(_person(url, run, rounds, reading, r) for r in rngs))
    await builder
    stop.set()
    await probe
    run.server_cpu_s = cpu_seconds(pid) - cpu_before if pid else 0.0
    return run


async def burst_run(url: str, pid: int, size: int) -> Run:
    """`size` sessions open the overview within the same second, then stay idle."""
    run = Run(size)
    run.rss_before_mb = rss_mb(pid)
    cpu_before = cpu_seconds(pid)
    stop = asyncio.Event()
    probe = asyncio.create_task(_probe(url, run, stop))
    sessions = [Session(url) for _ in range(size)]

    async def one(session: Session) -> None:
        try:
            await session.open()
        except Exception as exc:
            run.errors.append(f"connexion : {type(exc).__name__} {exc}")
            return
        await _timed_page(session, run, *PAGES[0])

    await asyncio.gather(*(one(s) for s in sessions))
    run.server_cpu_s = cpu_seconds(pid) - cpu_before
    await asyncio.sleep(3)  # let the sessions settle: idle, as a tab left open
    stop.set()
    await probe
    run.rss_after_mb = rss_mb(pid)
    for session in sessions:
        await session.close()
    return run


def _store(work: Path) -> tuple[Path, Path]:
    """A demo store of its own, built from a copy of the demo sources."""
    sources = work / "sources"
    shutil.copytree(REPO / "data" / "sample", sources)
    db = work / "centrale.duckdb"
    build = _rebuild(sources, db)
    _, err = build.communicate()
    if build.returncode != 0:
        raise RuntimeError(f"construction de la base impossible : {err.decode()[-500:]}")
    return sources, db


def measure(people_counts, rounds, reading, burst, rebuilds) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        sources, db = _store(work)
        port = free_port()
        log = work / "server.log"
        server = start_app(db, port, log, extra_env={"CENTRALE_SOURCES": str(sources)})
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, server, log, timeout=120)
            asyncio.run(_warm(url))  # the first visitor's cold start is measured elsewhere
            runs = []
            for i, people in enumerate(people_counts):
                print(f"Charge : {fmt.count(people, 'personne')}…", flush=True)
                run = asyncio.run(
                    people_run(
                        url, sources, db, people, rounds, reading, rebuilds, SEED + i, server.pid
                    )
                )
                runs.append(run.summary())
                print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
            print(f"Rafale : {burst} sessions dans la même seconde…", flush=True)
            result = asyncio.run(burst_run(url, server.pid, burst))
            summary = result.summary()
            summary["mb_per_idle_session"] = round(
                (result.rss_after_mb - result.rss_before_mb) / burst, 1
            )
            print(json.dumps(summary, ensure_ascii=False), flush=True)
            return {"people": runs, "burst": summary, "reading": reading, "rebuilds": rebuilds}
        finally:
            stop_app(server)
            kept = REPO / "bench" / "out"
            kept.mkdir(exist_ok=True)
            shutil.copyfile(log, kept / "load-server.log")  # the tracebacks of any error


async def _warm(url: str) -> None:
    session = Session(url)
    await session.open()
    try:
        for url_path, query in PAGES:
            await asyncio.wait_for(session.page(url_path, query), PAGE_LIMIT)
    finally:
        await session.close()


def load_figures(quick: bool = False) -> list:
    """The load figures for `make bench`'s table (--quick: small and short, not the targets)."""
    if quick:
        result = measure([1, 3], rounds=1, reading=2.0, burst=4, rebuilds=1)
    else:
        result = measure([1, 10, 30, 1], rounds=2, reading=10.0, burst=20, rebuilds=5)
    return figures_from(result)


def figures_from(result: dict) -> list:
    """The table lines of one `measure` result, with the issue's targets checked."""
    from bench.stats import Figure, check

    scenarios = result["people"]
    alone = [s for s in scenarios if s["people"] == 1]
    alone_p95 = statistics.median(s["p95_s"] for s in alone)
    figures = []
    reading, rebuilds = result.get("reading", 10.0), result.get("rebuilds", 5)
    counts, seen = Counter(s["people"] for s in scenarios), Counter()
    for s in scenarios:
        who = fmt.count(s["people"], "personne")
        who += f", lecture ~{reading:g} s, {rebuilds} reconstructions"
        if counts[s["people"]] > 1:  # one person measured before the crowds and after
            who += " (avant les autres)" if not seen[s["people"]] else " (après les autres)"
        seen[s["people"]] += 1
        figures.append(Figure("Charge", "page, médiane (p50)", who, "s", runs=[s["p50_s"]]))
        figures.append(Figure("Charge", "page, p95", who, "s", runs=[s["p95_s"]]))
        if s.get("server_cpu_per_page_ms"):  # older results did not measure it
            figures.append(
                Figure(
                    "Charge",
                    "temps processeur du serveur par page",
                    who,
                    "ms",
                    runs=[s["server_cpu_per_page_ms"]],
                )
            )
        if s.get("pages_after_rebuild"):  # older results did not split them
            figures.append(
                Figure(
                    "Charge",
                    f"page, p95 dans les {AFTER_REBUILD:g} s après une reconstruction "
                    f"({s['pages_after_rebuild']} pages) / autres pages",
                    who,
                    "s",
                    runs=[s["p95_after_rebuild_s"]],
                    note=f"autres pages : {s['p95_other_pages_s']:g} s",
                )
            )
        figures.append(
            check(Figure("Charge", "erreurs", who, "", runs=[s["errors"]], target="0"), 0.5)
        )
    most = max(scenarios, key=lambda s: s["people"])
    ratio = Figure(
        "Charge",
        f"p95 à {most['people']} / p95 seul (même run)",
        "démo",
        "×",
        runs=[most["p95_s"] / alone_p95],
        target="≤ 2×",
    )
    figures.append(check(ratio, 2.0 + 1e-9))
    burst = result["burst"]
    who = f"rafale de {burst['people']} sessions"
    figures.append(Figure("Charge", "page, p95", who, "s", runs=[burst["p95_s"]]))
    figures.append(
        check(Figure("Charge", "erreurs", who, "", runs=[burst["errors"]], target="0"), 0.5)
    )
    figures.append(
        check(
            Figure(
                "Charge",
                "ping websocket le plus lent",
                who,
                "s",
                runs=[burst["ping_max_s"]],
                target="< 2 s",
            ),
            2.0,
        )
    )
    figures.append(
        check(
            Figure(
                "Charge",
                "mémoire serveur par session inactive",
                who,
                "MB",
                runs=[burst["mb_per_idle_session"]],
                target="≤ 50 MB",
            ),
            50.0,
        )
    )
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = FrenchArgumentParser(prog="python -m bench load")
    parser.add_argument("--people", default="1,10,30", help="scénarios, ex. 1,10,30")
    parser.add_argument("--rounds", type=int, default=2, help="tours des 4 pages par personne")
    parser.add_argument("--reading", type=float, default=10.0, help="secondes entre deux clics")
    parser.add_argument("--burst", type=int, default=20, help="sessions ouvertes d'un coup")
    parser.add_argument("--rebuilds", type=int, default=5, help="reconstructions par scénario")
    parser.add_argument("--json", type=Path, help="écrire le résultat dans ce fichier")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.people.split(",") if n.strip()]
    result = measure(counts, args.rounds, args.reading, args.burst, args.rebuilds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
