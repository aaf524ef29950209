"""The benchmark: build a synthetic academy, serve it with gunicorn, load it, print and save the figures.

    python bench/run.py --size S|M|L        (or: make bench SIZE=L)

Everything happens in bench/runs/<SIZE>/ (a fresh SQLite database, storage, logs), never in
instance/. `--db postgresql` (make bench DB=postgresql) runs on the machine's PostgreSQL instead,
in a database of its own, bench_academy (or BENCH_DATABASE_URL's, whose name must contain
"bench"), created at the start and dropped at the end. `--nodes 2` (make bench NODES=2) serves
the academy from two gunicorn instances on two ports sharing that database and the storage
folder, as two hosts behind a load balancer would; SQLite refuses it (one file, one host).

Steps: migrations, `content sync` (cold, timed), the synthetic academy (bench/build.py), the
same sync again (no change, timed), a certificate's first render in a fresh process
(bench/certs.py), the SQL statements of each request (bench/count.py, here and on a size S
academy), then gunicorn (2 workers, production settings, rate limits off) on 127.0.0.1 driven
by wrk through the pages, a crowd opening new lessons at the same instant (first visits, which
write), and an exam spike by many concurrent Python clients. Every process it starts is stopped
at the end, also on Ctrl+C or an error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from client import Session, csrf_from, on_page, question_ids  # noqa: E402

PYTHON = sys.executable
HOST = "127.0.0.1"
CONNECTIONS = 32
DIRECTORATE_CONNECTIONS = 8
WORKERS = 2
RSS_LIMIT_MB = 250
#: The exam spike's latency target (issue #20: 2,000 officers within a minute, on PostgreSQL, one or two nodes).
SPIKE_P95_MS = 500
#: The page's script saves again this many seconds after its last save ended (SAVE_EVERY in app/static/js/attempt.js).
SAVE_EVERY = 5.0
CERTIFICATE_RUNS = 3


class Failure(RuntimeError):
    """The benchmark could not run a step; the message says which."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(1000 * seconds, 1)


# Processes ----------------------------------------------------------------------------------


class Processes:
    """Every long-running process the benchmark starts, to stop them all whatever happens."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen] = []

    def start(self, command: list[str], env: dict, logfile: Path) -> subprocess.Popen:
        out = logfile.open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of the master and its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group we created for it, nothing else
                process.wait(timeout=5)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            try:
                self.stop(process)
            except Exception as error:  # noqa: BLE001 (keep stopping the others)
                log(f"could not stop process {process.pid}: {error}")


def run(command: list[str], env: dict, logfile: Path, timeout: float = 900) -> tuple[float, str]:
    """Run a command to its end; returns (seconds, its standard output). Its stderr goes to the log."""
    started = time.perf_counter()
    with logfile.open("ab") as errors:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors, timeout=timeout)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise Failure(f"{' '.join(command[:4])}… failed (exit {result.returncode}); see {logfile}")
    return seconds, result.stdout.decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
        return found


# Databases ----------------------------------------------------------------------------------


#: The machine's PostgreSQL, and the database `--db postgresql` creates there and drops at the end.
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench_academy"


def database_urls(run_dir: Path, db: str) -> tuple[str, str]:
    """(the academy's URL, the size S reference academy's URL), both fresh and empty."""
    if db == "sqlite":
        return f"sqlite:///{run_dir / 'academy.sqlite'}", f"sqlite:///{run_dir / 'reference-S.sqlite'}"
    url = os.environ.get("BENCH_DATABASE_URL", "").strip() or POSTGRES_URL
    return _fresh_postgres(url, ""), _fresh_postgres(url, "_ref")


def drop_postgres(url: str) -> None:
    """Drop a database `_fresh_postgres` made (its name holds "bench": nothing else is ever dropped)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if "bench" not in (parsed.database or ""):
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    admin.dispose()


def _fresh_postgres(url: str, suffix: str) -> str:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url))
    name = f"{parsed.database}{suffix}"
    if "bench" not in name:
        raise Failure("BENCH_DATABASE_URL must name a database with 'bench' in its name: it is dropped and recreated.")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def copy_sqlite(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source.removeprefix("sqlite:///")), sqlite3.connect(target.removeprefix("sqlite:///"))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


# The benchmark ------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.size, self.duration, self.spike_size = args.size, args.duration, args.spike
        self.arrival, self.deadline, self.pass_share = args.arrival, args.deadline, args.pass_share
        self.db, self.nodes, self.keep_database = args.db, args.nodes, args.keep_database
        size = self.size
        self.run_dir = BENCH / "runs" / size
        self.processes = Processes()
        self.results: dict = {
            "size": size,
            "started": datetime.now().isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_before": [round(x, 2) for x in os.getloadavg()],
            },
            "settings": {
                "database": args.db,
                "nodes": args.nodes,
                "workers": WORKERS,
                "workers_per_node": WORKERS,
                "connections": CONNECTIONS,
                "directorate_connections": DIRECTORATE_CONNECTIONS,
                "seconds_per_scenario": self.duration,
                "exam_spike": {
                    "learners": self.spike_size,
                    "arrival_window_s": self.arrival,
                    "deadline_s": self.deadline,
                    "answering_right_share": self.pass_share,
                },
                "ACADEMY_ENV": "production",
                "RATELIMIT_ENABLED": "false (rate limits are off for the load)",
            },
        }
        self.logfile = self.run_dir / "bench.log"

    # Environment ---------------------------------------------------------------------------

    def env(self, database_url: str, storage: Path, port: int | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "REDIS_", "FLASK_"))}
        env.update(
            ACADEMY_ENV="production",
            SECRET_KEY=self.secret_key,
            DATABASE_URL=database_url,
            STORAGE_DIR=str(storage),
            RATELIMIT_ENABLED="false",
            PUBLIC_URL=f"http://{HOST}:{port or 5000}",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        return env

    def flask(self, env: dict, *args: str) -> tuple[float, str]:
        return run([PYTHON, "-m", "flask", "--app", "wsgi", *args], env, self.logfile)

    # Steps ---------------------------------------------------------------------------------

    def build(self) -> None:
        if self.run_dir.exists():
            shutil.rmtree(self.run_dir)
        self.run_dir.mkdir(parents=True)
        self.secret_key = secrets.token_hex(32)
        self.url, self.reference_url = database_urls(self.run_dir, self.db)
        self.storage = self.run_dir / "storage"
        env = self.env(self.url, self.storage)
        log(f"size {self.size}: migrations and a cold content sync into {self.url.split('@')[-1]}")
        self.flask(env, "db", "upgrade")
        cold_wall, out = self.flask(env, "content", "sync")
        sync = {"cold_seconds": _reported_seconds(out), "cold_wall_seconds": round(cold_wall, 2)}
        if self.size != "S" and self.url.startswith("sqlite"):
            copy_sqlite(self.url, self.reference_url)  # the same synced curriculum, without syncing twice
        log("building the synthetic academy (bulk inserts)")
        facts_file = self.run_dir / "facts.json"
        seconds, _ = run(
            [PYTHON, str(BENCH / "build.py"), "--database-url", self.url, "--size", self.size]
            + ["--spike", str(self.spike_size), "--out", str(facts_file)],
            env,
            self.logfile,
        )
        self.facts = json.loads(facts_file.read_text())
        self.results["academy"] = {
            "rows": self.facts["rows"],
            "wanted": self.facts["wanted"],
            "build_seconds": self.facts["build_seconds"] | {"wall": round(seconds, 1)},
        }
        log(f"built in {seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in self.facts["rows"].items() if v))
        unchanged_wall, out = self.flask(env, "content", "sync")
        sync |= {"unchanged_seconds": _reported_seconds(out), "unchanged_wall_seconds": round(unchanged_wall, 2)}
        sync["note"] = (
            "seconds as reported by `flask content sync` (the sync itself); wall seconds include "
            "starting Python and the app. Cold: into the freshly migrated bench database; no change: "
            f"the same content again into the built size {self.size} academy."
        )
        self.results["content_sync"] = sync
        self.reference_facts = None
        if self.size != "S":
            log("building the size S reference academy (for comparing SQL statement counts)")
            reference_env = self.env(self.reference_url, self.run_dir / "reference-storage")
            if not self.reference_url.startswith("sqlite"):
                self.flask(reference_env, "db", "upgrade")
                self.flask(reference_env, "content", "sync")
            reference_file = self.run_dir / "reference-facts.json"
            run(
                [PYTHON, str(BENCH / "build.py"), "--database-url", self.reference_url, "--size", "S"]
                + ["--spike", "0", "--out", str(reference_file)],
                reference_env,
                self.logfile,
            )
            self.reference_facts = json.loads(reference_file.read_text())

    def certificate_render(self) -> None:
        log(f"certificate: first render in {CERTIFICATE_RUNS} fresh processes, beside a minimal WeasyPrint page")
        runs = []
        for _ in range(CERTIFICATE_RUNS):  # one cold render is one sample: the median of a few is steadier
            _seconds, out = run(
                [PYTHON, str(BENCH / "certs.py"), self.facts["certificate"]],
                self.env(self.url, self.storage),
                self.logfile,
            )
            runs.append(json.loads(out))
        result = runs[-1]
        result["runs"] = [r["seconds"] for r in runs]
        result["seconds"] = {key: percentile([r["seconds"][key] for r in runs], 50) for key in result["seconds"]}
        self.results["certificate"] = result

    def statement_counts(self) -> None:
        log("counting SQL statements per request (in-process, test client)")
        env = self.env(self.url, self.storage)
        _s, out = run([PYTHON, str(BENCH / "count.py"), str(self.run_dir / "facts.json")], env, self.logfile)
        here = json.loads(out)
        counts = {"sizes": {self.size: here["counts"]}}
        (self.run_dir / f"statements-{self.size}.json").write_text(json.dumps(here["statements"], indent=1))
        if self.reference_facts is not None:
            reference_env = self.env(self.reference_url, self.run_dir / "reference-storage")
            _s, out = run(
                [PYTHON, str(BENCH / "count.py"), str(self.run_dir / "reference-facts.json")],
                reference_env,
                self.logfile,
            )
            reference = json.loads(out)
            counts["sizes"]["S"] = reference["counts"]
            (self.run_dir / "statements-S.json").write_text(json.dumps(reference["statements"], indent=1))
            counts["different"] = {
                page: {"S": reference["counts"].get(page), self.size: n}
                for page, n in here["counts"].items()
                if reference["counts"].get(page) != n
            }
        self.results["sql_statements"] = counts

    def serve(self) -> None:
        """Start `--nodes` gunicorn instances on consecutive ports, each as a host would run it."""
        first = int(os.environ.get("BENCH_PORT") or 0)  # a port range of one's own on a shared machine
        self.ports = [first + n if first else free_port() for n in range(self.nodes)]
        self.port = self.ports[0]
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        self.gunicorns = []
        for node, port in enumerate(self.ports, start=1):
            # Every node gets the same settings but its own port; PUBLIC_URL names the first, as
            # the load balancer's one address would.
            env = self.env(self.url, self.storage, self.port)
            command = [gunicorn, "--workers", str(WORKERS), "--bind", f"{HOST}:{port}", "--timeout", "120", "wsgi:app"]
            log(
                f"starting gunicorn (node {node} of {self.nodes}): {WORKERS} workers, ACADEMY_ENV=production, "
                f"RATELIMIT_ENABLED=false, port {port}"
            )
            log_name = "gunicorn.log" if self.nodes == 1 else f"gunicorn-{node}.log"
            self.gunicorns.append(self.processes.start(command, env, self.run_dir / log_name))
        deadline = time.monotonic() + 60
        for process, port in zip(self.gunicorns, self.ports, strict=True):
            while True:
                if process.poll() is not None:
                    raise Failure(f"gunicorn on port {port} exited; see its log in {self.run_dir}")
                try:
                    if Session(HOST, port, timeout=5).get("/healthz").status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise Failure(f"gunicorn on port {port} did not answer /healthz within 60 s")
                time.sleep(0.3)
        self.workers = self.worker_pids()

    def worker_pids(self) -> list[int]:
        """The gunicorn workers of every node."""
        return [pid for process in self.gunicorns for pid in children(process.pid)]

    def session(self, number: int = 0) -> Session:
        """A client of node `number` (modulo the nodes); with several nodes it takes them in turn."""
        port = self.ports[number % len(self.ports)]
        return Session(HOST, port, ports=tuple(self.ports) if len(self.ports) > 1 else ())

    def login_everyone(self) -> None:
        password = self.facts["password"]

        def login(numbered: tuple[int, str]) -> Session:
            # Each account starts on one node; with several, its later requests go to each in
            # turn, so every session proves it holds on every node.
            session = self.session(numbered[0])
            session.login(numbered[1], password)
            return session

        first_visitors = self.facts["first_visit_learners"]
        everyone = self.facts["page_learners"] + [self.facts["directorate"]] + self.facts["spike_learners"]
        everyone += first_visitors
        log(f"logging in {len(everyone)} accounts through the login form")
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            sessions = dict(zip(everyone, pool.map(login, enumerate(everyone)), strict=True))
        self.results["settings"]["login_seconds"] = round(time.perf_counter() - started, 1)
        self.learners = [sessions[e] for e in self.facts["page_learners"]]
        self.director = sessions[self.facts["directorate"]]
        self.spike_sessions = [sessions[e] for e in self.facts["spike_learners"]]
        self.first_visit_sessions = [sessions[e] for e in first_visitors]

    def wrk(self, name: str, path: str, sessions: list[Session], connections: int, duration: float) -> dict:
        # Check the page answers 200 for every session (this also warms up the workers and makes
        # each learner's first visit, which records the lesson as opened, before the measurement).
        for session in sessions * self.nodes or [self.session(n) for n in range(2 * self.nodes)]:
            reply = session.get(path)
            if reply.status != 200:
                raise Failure(f"{name}: {path} answered HTTP {reply.status} before the load")
        cookie_file = self.run_dir / f"cookies-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.txt"
        cookie_file.write_text("".join(f"{s.cookie_header}\n" for s in sessions))
        # One wrk thread per node at least (wrk.lua sends thread n to node n modulo the nodes).
        threads = min(max(2, self.nodes), connections)
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "30s"]
        command += ["-s", str(BENCH / "wrk.lua"), f"http://{HOST}:{self.port}{path}", "--", str(cookie_file)]
        wrk_env = os.environ | {"BENCH_NODES": " ".join(f"{HOST}:{port}" for port in self.ports)}
        log(f"{name}: wrk {connections} connections over {self.nodes} node(s), {duration:g} s")
        workers = self.worker_pids()
        cpu = cpu_seconds(workers)
        output = subprocess.run(
            command, cwd=ROOT, env=wrk_env, capture_output=True, text=True, timeout=duration + 60, check=True
        )
        cpu = cpu_seconds(workers) - cpu
        line = next((x for x in output.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if line is None:
            raise Failure(f"wrk printed no summary for {name}: {output.stdout[-500:]} {output.stderr[-500:]}")
        raw = json.loads(line.removeprefix("BENCH_JSON "))
        errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"] + raw["non200"]
        seconds = raw["duration_us"] / 1e6
        return {
            "name": name,
            "path": path,
            "connections": connections,
            "requests": raw["requests"],
            "rps": round(raw["requests"] / seconds, 1),
            "p50_ms": round(raw["p50_us"] / 1000, 1),
            "p95_ms": round(raw["p95_us"] / 1000, 1),
            "p99_ms": round(raw["p99_us"] / 1000, 1),
            "max_ms": round(raw["max_us"] / 1000, 1),
            "errors": errors,
            # The workers' own CPU time per request: what a page costs, whatever else runs on the machine.
            "cpu_ms_per_request": round(1000 * cpu / max(1, raw["requests"]), 2),
            "kb_per_response": round(raw["bytes"] / max(1, raw["requests"]) / 1024, 1),
            "wrk": raw,
        }

    def pages(self) -> None:
        facts, d = self.facts, self.duration
        lesson = f"/courses/{facts['course']}/lessons/{facts['notebook_lesson']}"
        scenarios = [
            ("/healthz", "/healthz", [], CONNECTIONS, d),
            ("/catalogue (anonymous)", "/catalogue", [], CONNECTIONS, d),
            ("course page", f"/courses/{facts['course']}", self.learners, CONNECTIONS, d),
            ("lesson page (notebook)", lesson, self.learners, CONNECTIONS, d),
            ("/my-learning", "/my-learning", self.learners, CONNECTIONS, d),
            ("/directorate", "/directorate", [self.director], DIRECTORATE_CONNECTIONS, d),
            ("/projects/<code>", f"/projects/{facts['project']}", [self.director], DIRECTORATE_CONNECTIONS, d),
            ("certificate download", f"/certificates/{facts['certificate']}.pdf", self.learners[:1], 1, min(d, 5)),
        ]
        self.results["scenarios"] = [self.wrk(*scenario) for scenario in scenarios]
        baseline = self.results["scenarios"][0]["rps"]
        for scenario in self.results["scenarios"]:
            scenario["ratio_to_healthz"] = round(scenario["rps"] / baseline, 3) if baseline else None
        self.results["memory_after_pages_mb"] = {str(pid): rss_mb(pid) for pid in self.worker_pids()}

    def first_visits(self) -> None:
        """A crowd opening new lessons at once: every visit writes (the first visit, a new resume point).

        The learners, enrolled in the course with no lesson opened, open its first lesson at the same
        instant, then its second together, and so on. Each visit must answer 200 and be kept.
        """
        facts = self.facts
        sessions, lessons = self.first_visit_sessions, facts["lessons"]
        lock = threading.Lock()
        timings: list[float] = []
        problems: list[str] = []

        def visit(session: Session, path: str, barrier: threading.Barrier) -> None:
            barrier.wait()
            try:
                reply = session.get(path)
            except Exception as error:  # noqa: BLE001 (a refused connection, a timeout: an error to count)
                with lock:
                    problems.append(f"{type(error).__name__}: {error}")
                return
            with lock:
                timings.append(reply.seconds)
                if reply.status != 200:
                    problems.append(f"{path}: HTTP {reply.status}")

        log(f"first visits: {len(sessions)} learners open each of {len(lessons)} lessons at the same instant")
        workers = self.worker_pids()
        cpu = cpu_seconds(workers)
        started = time.perf_counter()
        for slug in lessons:
            barrier = threading.Barrier(len(sessions))
            path = f"/courses/{facts['course']}/lessons/{slug}"
            threads = [threading.Thread(target=visit, args=(s, path, barrier), daemon=True) for s in sessions]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(workers) - cpu
        kept, resumed = self.first_visits_kept(facts["first_visit_learners"], facts["course"], lessons[-1])
        expected = len(sessions) * len(lessons)
        self.results["first_visits"] = {
            "learners": len(sessions),
            "lessons": len(lessons),
            "requests": len(timings),
            "rps": round(len(timings) / seconds, 1),
            "p50_ms": ms(percentile(timings, 50)),
            "p95_ms": ms(percentile(timings, 95)),
            "max_ms": ms(max(timings) if timings else None),
            "errors": len(problems) + (expected - kept) + (len(sessions) - resumed),
            "visits_kept": f"{kept} of {expected}",
            "resume_points_kept": f"{resumed} of {len(sessions)}",
            "cpu_ms_per_request": round(1000 * cpu / max(1, len(timings)), 2),
            "error_samples": sorted(set(problems))[:10],
        }

    def first_visits_kept(self, emails: list[str], course: str, last_lesson: str) -> tuple[int, int]:
        """(lessons recorded as opened by these learners, learners whose resume point is the last lesson)."""
        import sqlalchemy as sa

        engine = self._engine()
        parameters = {"emails": emails, "course": course, "lesson": last_lesson}
        expanding = sa.bindparam("emails", expanding=True)
        with engine.connect() as conn:
            kept = conn.execute(
                sa.text(
                    "SELECT count(*) FROM lesson_progress "
                    "WHERE user_id IN (SELECT id FROM users WHERE email IN :emails)"
                ).bindparams(expanding),
                parameters,
            ).scalar()
            resumed = conn.execute(
                sa.text(
                    "SELECT count(*) FROM enrolments e JOIN courses c ON c.id = e.course_id "
                    "JOIN lessons l ON l.id = e.last_lesson_id "
                    "WHERE e.user_id IN (SELECT id FROM users WHERE email IN :emails) "
                    "AND c.slug = :course AND c.retired_at IS NULL AND l.slug = :lesson"
                ).bindparams(expanding),
                parameters,
            ).scalar()
        engine.dispose()
        return kept, resumed

    def exam_spike(self) -> None:
        facts, key = self.facts, self.facts["answer_key"]
        overview = f"/courses/{facts['course']}/assessments/{facts['assessment']}"
        rng = random.Random(9)
        plan = [
            (session, rng.random() < self.pass_share, rng.uniform(0, self.arrival)) for session in self.spike_sessions
        ]
        lock = threading.Lock()
        timings: dict[str, list[float]] = {}
        problems: list[str] = []
        acked: dict[tuple[int, int], object] = {}
        acked_saves = [0]
        finished = [0]
        stopped = [0]
        started = time.perf_counter()
        ends: list[float] = []
        starts: list[float] = []  # when each learner's attempt was started (acknowledged), from the first arrival
        stop = threading.Event()  # set at the deadline: learners still answering give up (and count as errors)

        class Refused(Exception):
            """A reply the learner's browser would not expect: an error of the spike."""

        class Stopped(Exception):
            """The spike's deadline passed while this learner was still answering."""

        def note(step: str, reply, expected: int, going: str = "") -> None:
            with lock:
                timings.setdefault(step, []).append(reply.seconds)
            if reply.status != expected or (going and going not in reply.location):
                raise Refused(f"{step}: HTTP {reply.status} (expected {expected}{' to ' + going if going else ''})")

        def pause(low: float, high: float, think: random.Random) -> None:
            time.sleep(think.uniform(low, high))
            if stop.is_set():
                raise Stopped

        def learner(number: int, session: Session, right: bool, offset: float) -> None:
            think = random.Random(number)
            try:
                # Arrive at the planned moment: the offsets are uniform over the arrival window. (This slept a random
                # fraction of the offset, uniform(offset, 0), which front-loaded the arrivals: half came in 10 s.)
                wait = max(0.0, started + offset - time.perf_counter())
                pause(wait, wait, think)
                page = session.get(overview)
                note("assessment page", page, 200)
                reply = session.post(overview + "/start", {"csrf_token": csrf_from(page.body)})
                note("start", reply, 302, "/attempts/")
                with lock:
                    starts.append(time.perf_counter() - started)
                attempt = reply.location
                attempt_id = int(attempt.rsplit("/", 1)[1])
                page = session.get(attempt)
                note("attempt page", page, 200)
                token, questions = csrf_from(page.body), question_ids(page.body)
                form: list[tuple[str, str]] = []
                held: list[tuple[int, list[tuple[str, str]]]] = []  # answered, not yet saved
                last_save = -SAVE_EVERY
                for qid in questions:
                    pause(0.3, 1.2, think)
                    answer = key[str(qid)]
                    fields = on_page(page.body, qid, answer["right" if right else "wrong"], answer["labels"])
                    form += fields
                    held.append((qid, fields))
                    if time.perf_counter() - last_save < SAVE_EVERY:
                        continue  # like the page's script: the next save SAVE_EVERY seconds after the last ended
                    # The questions changed since the last save, the token in a header.
                    sent = [pair for _qid, pairs in held for pair in pairs]
                    reply = session.post(attempt + "/autosave", sent, headers={"X-CSRFToken": token})
                    last_save = time.perf_counter()
                    note("save answers", reply, 200)
                    body = json.loads(reply.body)
                    if not body.get("saved") or body.get("questions") != len(held):
                        raise Refused(f"save answers: not acknowledged: {reply.body[:100]}")
                    with lock:
                        acked_saves[0] += 1
                        for done, _pairs in held:
                            acked[(attempt_id, done)] = key[str(done)]["stored_right" if right else "stored_wrong"]
                    held = []
                pause(0.3, 1.2, think)
                reply = session.post(attempt, form + [("csrf_token", token), ("action", "submit")])
                note("submit", reply, 302, "/result")
                note("result page", session.get(reply.location), 200)
                with lock:
                    finished[0] += 1
                    ends.append(time.perf_counter() - started)
            except Stopped:
                with lock:
                    stopped[0] += 1
            except Exception as error:  # noqa: BLE001 (a refused connection, a timeout: an error to count)
                with lock:
                    problems.append(str(error) if isinstance(error, Refused) else f"{type(error).__name__}: {error}")

        log(
            f"exam spike: {len(plan)} learners start within {self.arrival:g} s, answer "
            f"{facts['assessment']} question by question (saved as they go) and submit"
        )
        threads = [
            threading.Thread(target=learner, args=(n, *item), daemon=True) for n, item in enumerate(plan, start=1)
        ]
        workers = self.worker_pids()
        cpu = cpu_seconds(workers)
        own = time.process_time()  # the learners' threads share the machine's two cores with gunicorn
        for thread in threads:
            thread.start()
        for thread in threads:
            # After the deadline, join(0) returns at once: 2,000 late threads must not cost 0.1 s each.
            thread.join(timeout=max(0.0, self.deadline - (time.perf_counter() - started)))
        stop.set()
        for thread in threads:
            thread.join(timeout=70)  # a request in flight ends within the client's timeout
        unfinished = stopped[0] + sum(thread.is_alive() for thread in threads)
        cpu = cpu_seconds(workers) - cpu
        own = time.process_time() - own
        seconds = time.perf_counter() - started
        every = [t for values in timings.values() for t in values]
        lost, wrong = self.verify_answers(acked)
        spike = {
            "learners": len(plan),
            "answering_right": sum(right for _s, right, _o in plan),
            "arrival_window_s": self.arrival,
            "seconds": round(seconds, 1),
            "last_submit_at_s": round(max(ends), 1) if ends else None,
            "started": len(starts),
            "last_start_at_s": round(max(starts), 1) if starts else None,
            "finished": finished[0],
            "deadline_s": self.deadline,
            "stopped_at_deadline": unfinished,
            "requests": len(every),
            "rps": round(len(every) / seconds, 1),
            "p50_ms": ms(percentile(every, 50)),
            "p95_ms": ms(percentile(every, 95)),
            "p99_ms": ms(percentile(every, 99)),
            "max_ms": ms(max(every) if every else None),
            "errors": len(problems) + unfinished,
            "cpu_ms_per_request": round(1000 * cpu / max(1, len(every)), 2),
            "workers_cpu_share": round(cpu / seconds, 2),  # cores kept busy by the two workers
            "clients_cpu_share": round(own / seconds, 2),  # cores used by the learners' threads
            "error_samples": sorted(set(problems))[:10],
            "acknowledged_saves": acked_saves[0],
            "acknowledged_answers": len(acked),
            "lost_answers": lost,
            "answers_differing_from_acknowledged": wrong,
            "differing_samples": self.different_samples,
            "steps": {
                step: {
                    "requests": len(values),
                    "p50_ms": ms(percentile(values, 50)),
                    "p95_ms": ms(percentile(values, 95)),
                    "max_ms": ms(max(values)),
                }
                for step, values in timings.items()
            },
        }
        spike |= self.spike_outcome()
        self.results["exam_spike"] = spike

    def _engine(self):
        import sqlalchemy as sa

        url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", self.url)
        return sa.create_engine(url)

    def verify_answers(self, acked: dict) -> tuple[int, int]:
        """Every acknowledged answer must be in the database, as acknowledged."""
        import sqlalchemy as sa

        engine = self._engine()
        stored = {}
        attempt_ids = sorted({attempt for attempt, _q in acked})
        with engine.connect() as conn:
            for start in range(0, len(attempt_ids), 500):
                rows = conn.execute(
                    sa.text(
                        "SELECT attempt_id, question_id, answer FROM responses WHERE attempt_id IN :ids"
                    ).bindparams(sa.bindparam("ids", expanding=True)),
                    {"ids": attempt_ids[start : start + 500]},
                )
                # SQLite hands the JSON column back as text, except a bare number, which the
                # column's NUMERIC affinity stored as a number; PostgreSQL's driver decodes it already.
                decode = (
                    (lambda value: json.loads(value) if isinstance(value, str) else value)
                    if engine.dialect.name == "sqlite"
                    else (lambda value: value)
                )
                stored.update({(a, q): None if answer is None else decode(answer) for a, q, answer in rows})
        engine.dispose()
        lost = sum(1 for pair in acked if pair not in stored or stored[pair] is None)
        different = [
            {"attempt": a, "question": q, "acknowledged": answer, "stored": stored[(a, q)]}
            for (a, q), answer in acked.items()
            if (a, q) in stored and stored[(a, q)] is not None and stored[(a, q)] != answer
        ]
        self.different_samples = different[:5]
        return lost, len(different)

    def spike_outcome(self) -> dict:
        import sqlalchemy as sa

        engine = self._engine()
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT count(*), sum(CASE WHEN a.passed THEN 1 ELSE 0 END) FROM attempts a "
                    "JOIN users u ON u.id = a.user_id WHERE u.email LIKE 'bench.exam.%' AND a.status = 'submitted'"
                )
            ).one()
            issued = conn.execute(
                sa.text(
                    "SELECT count(*) FROM certificates c JOIN users u ON u.id = c.user_id "
                    "WHERE u.email LIKE 'bench.exam.%'"
                )
            ).scalar()
        engine.dispose()
        return {"graded_attempts": row[0], "passed": row[1] or 0, "certificates_issued": issued}

    def memory(self) -> None:
        workers = self.worker_pids()
        self.results["memory_mb"] = {
            "master": rss_mb(self.gunicorns[0].pid),
            "workers": {str(pid): rss_mb(pid) for pid in workers},
            "workers_at_start": [str(pid) for pid in self.workers],
        }

    # Report --------------------------------------------------------------------------------

    def targets(self) -> None:
        r, size = self.results, self.size
        scenarios = {s["name"]: s for s in r.get("scenarios", [])}
        targets = []

        def target(what: str, value, met: bool | None, at_l: bool = True) -> None:
            targets.append(
                {
                    "target": what,
                    "measured": value,
                    "met": met,
                    "binding": size == "L" or not at_l,
                }
            )

        course = scenarios.get("course page")
        if course:
            target(
                "course page ≥ 40% of /healthz throughput",
                f"{100 * course['ratio_to_healthz']:.0f}%",
                course["ratio_to_healthz"] >= 0.4,
            )
        lesson = scenarios.get("lesson page (notebook)")
        if lesson:
            target(
                "lesson page ≥ 50% of /healthz throughput",
                f"{100 * lesson['ratio_to_healthz']:.0f}%",
                lesson["ratio_to_healthz"] >= 0.5,
            )
            target("lesson page p95 < 50 ms at 32 connections", f"{lesson['p95_ms']} ms", lesson["p95_ms"] < 50)
        for name in ("/catalogue (anonymous)", "/my-learning"):
            if name in scenarios:
                p95 = scenarios[name]["p95_ms"]
                target(f"{name} p95 < 50 ms at 32 connections", f"{p95} ms", p95 < 50)
        for name in ("/directorate", "/projects/<code>"):
            if name in scenarios:
                p95 = scenarios[name]["p95_ms"]
                target(f"{name} p95 < 150 ms at 8 connections", f"{p95} ms", p95 < 150)
        errors = sum(s["errors"] for s in scenarios.values())
        target("no errors under load (pages)", errors, errors == 0, at_l=False)
        visits = r.get("first_visits")
        if visits:
            target("first visits, many learners at once: 0 errors", visits["errors"], visits["errors"] == 0, False)
        spike = r.get("exam_spike")
        if spike:
            target("exam spike: 0 errors", spike["errors"], spike["errors"] == 0, at_l=False)
            lost = spike["lost_answers"] + spike["answers_differing_from_acknowledged"]
            target("exam spike: 0 lost answers", f"{lost} of {spike['acknowledged_answers']}", lost == 0, at_l=False)
            target(
                f"exam spike: p95 < {SPIKE_P95_MS} ms", f"{spike['p95_ms']} ms", spike["p95_ms"] < SPIKE_P95_MS, False
            )
            everyone = spike["learners"]
            within = (
                spike.get("started") == everyone
                and spike["last_start_at_s"] is not None
                and spike["last_start_at_s"] <= 60
                and spike["finished"] == everyone
            )
            target(
                f"exam spike: all {everyone:,} started within a minute and submitted",
                f"{spike.get('started')} started, the last at {spike.get('last_start_at_s')} s; "
                f"{spike['finished']} submitted",
                within,
                False,
            )
        cert = r.get("certificate")
        if cert:
            s = cert["seconds"]
            ratio = s["certificate, first"] / s["minimal page, first"]
            target(
                "certificate first render ≤ 1.5× a minimal WeasyPrint page",
                f"{ms(s['certificate, first'])} ms vs {ms(s['minimal page, first'])} ms = {ratio:.1f}×",
                ratio <= 1.5,
                at_l=False,
            )
            download = scenarios.get("certificate download")
            if download:
                speedup = 1000 * s["certificate, warm"] / max(download["p50_ms"], 0.001)
                target(
                    "stored download ≥ 20× faster than a render",
                    f"{download['p50_ms']} ms vs {ms(s['certificate, warm'])} ms (warm render) = {speedup:.0f}×",
                    speedup >= 20,
                    at_l=False,
                )
        sync = r.get("content_sync")
        if sync:
            target("content sync cold < 30 s", f"{sync['cold_seconds']} s", sync["cold_seconds"] < 30, at_l=False)
            target(
                "content sync with no change < 1 s",
                f"{sync['unchanged_seconds']} s",
                sync["unchanged_seconds"] < 1,
                at_l=False,
            )
        counts = r.get("sql_statements")
        if counts:
            if "different" in counts:
                different = counts["different"]
                target(
                    f"SQL statements per request the same at S and {size}",
                    ", ".join(f"{p}: {v['S']} → {v[size]}" for p, v in different.items()) or "all equal",
                    not different,
                )
            else:
                target("SQL statements per request the same at S and L", "run at L to compare", None)
        memory = r.get("memory_mb")
        if memory:
            biggest = max((v for v in memory["workers"].values() if v is not None), default=None)
            target(
                f"each gunicorn worker < {RSS_LIMIT_MB} MB resident after the run",
                f"{biggest} MB (largest)",
                biggest is not None and biggest < RSS_LIMIT_MB,
                at_l=False,
            )
        r["targets"] = targets

    def table(self) -> str:
        r = self.results
        counts = r.get("sql_statements", {}).get("sizes", {})
        here, reference = counts.get(self.size, {}), counts.get("S", {})
        lines = [
            f"Customs Data Academy benchmark — size {self.size} — {r['started']} — "
            f"{r['machine']['cpus']} CPUs, load average before {r['machine']['load_average_before']}",
            f"{'SQLite' if self.db == 'sqlite' else 'PostgreSQL'}, {self.nodes} node(s) of gunicorn with "
            f"{WORKERS} sync workers, ACADEMY_ENV=production, RATELIMIT_ENABLED=false (rate limits off for "
            f"the load), {self.duration:g} s per page with wrk",
            "",
            f"{'scenario':<32} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6} "
            f"{'SQL/req':>8} {'SQL at S':>8} {'× healthz':>9} {'CPU ms':>7}",
        ]
        for s in r.get("scenarios", []):
            lines.append(
                f"{s['name']:<32} {s['connections']:>5} {s['rps']:>8.1f} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
                f"{s['errors']:>6} {_cell(here.get(s['name'])):>8} {_cell(reference.get(s['name'])):>8} "
                f"{s['ratio_to_healthz']:>9.2f} {s['cpu_ms_per_request']:>7.1f}"
            )
        visits = r.get("first_visits")
        if visits:
            name = f"first visits ({visits['learners']} at once)"
            lines.append(
                f"{name:<32} {visits['learners']:>5} {visits['rps']:>8.1f} {visits['p50_ms']:>8.1f} "
                f"{visits['p95_ms']:>8.1f} {visits['errors']:>6} {'':>8} {'':>8} {'':>9} "
                f"{visits['cpu_ms_per_request']:>7.1f}"
            )
            lines.append(
                f"  {visits['learners']} learners × {visits['lessons']} lessons, each opened by all at the same "
                f"instant: visits kept {visits['visits_kept']}, resume points {visits['resume_points_kept']}"
            )
        spike = r.get("exam_spike")
        if spike:
            lines.append(
                f"{'exam spike (' + str(spike['learners']) + ' learners)':<32} {'many':>5} {spike['rps']:>8.1f} "
                f"{spike['p50_ms']:>8.1f} {spike['p95_ms']:>8.1f} {spike['errors']:>6} {'':>8} {'':>8} {'':>9} "
                f"{spike['cpu_ms_per_request']:>7.1f}"
            )
            for step, values in spike["steps"].items():
                name = "  exam: " + step
                lines.append(
                    f"{name:<32} {'':>5} {'':>8} {values['p50_ms']:>8.1f} {values['p95_ms']:>8.1f} {'':>6} "
                    f"{_cell(here.get(_count_name(step))):>8} {_cell(reference.get(_count_name(step))):>8}"
                )
            lines.append(
                f"  {spike['acknowledged_answers']} answers acknowledged ({spike['acknowledged_saves']} saves), "
                f"{spike['lost_answers']} lost, {spike['answers_differing_from_acknowledged']} different; "
                f"{spike['finished']} submitted, {spike['passed']} passed, {spike['certificates_issued']} "
                f"certificates issued; last start at {spike.get('last_start_at_s')} s, last submit at "
                f"{spike['last_submit_at_s']} s; CPU: workers "
                f"{spike.get('workers_cpu_share')} cores, the learners' threads {spike.get('clients_cpu_share')}"
            )
        cert = r.get("certificate")
        if cert:
            s = cert["seconds"]
            lines.append(
                f"certificate (fresh process, median of {len(cert['runs'])}): minimal WeasyPrint page "
                f"{ms(s['minimal page, first'])} ms first, "
                f"{ms(s['minimal page, warm'])} ms warm; certificate {ms(s['certificate, first'])} ms first "
                f"(after the worker's start-up preparation, {ms(s['worker start: prepare certificates'])} ms), "
                f"{ms(s['certificate, warm'])} ms warm"
            )
        sync = r.get("content_sync")
        if sync:
            lines.append(
                f"content sync: cold {sync['cold_seconds']} s ({sync['cold_wall_seconds']} s wall), no change "
                f"{sync['unchanged_seconds']} s ({sync['unchanged_wall_seconds']} s wall)"
            )
        memory = r.get("memory_mb")
        if memory:
            lines.append(
                "resident memory after the run: workers "
                + ", ".join(f"{v} MB" for v in memory["workers"].values())
                + "; after the pages (before the spike): "
                + ", ".join(f"{v} MB" for v in r.get("memory_after_pages_mb", {}).values())
            )
        academy = r.get("academy")
        if academy:
            lines.append(
                "academy: "
                + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in academy["rows"].items() if v)
                + f" (built in {academy['build_seconds']['wall']} s)"
            )
        lines += ["", f"{'target':<62} {'measured':<46} result"]
        for t in r.get("targets", []):
            result = "—" if t["met"] is None else "met" if t["met"] else "MISSED"
            if not t["binding"] and t["met"] is not None:
                result += " (binding at L)"
            lines.append(f"{t['target']:<62} {str(t['measured'])[:46]:<46} {result}")
        lines.append(f"total {r.get('seconds', '?')} s")
        return "\n".join(lines)

    def main(self) -> int:
        started = time.perf_counter()
        try:
            self.build()
            self.certificate_render()
            self.statement_counts()
            self.serve()
            self.login_everyone()
            self.pages()
            self.first_visits()
            self.exam_spike()
            self.memory()
        finally:
            self.processes.stop_all()
            if self.db == "postgresql" and not self.keep_database and getattr(self, "url", None):
                log("dropping the benchmark's PostgreSQL databases (--keep-database keeps them)")
                for url in (self.url, self.reference_url):
                    drop_postgres(url)
            self.results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
            self.results["seconds"] = round(time.perf_counter() - started, 1)
        self.targets()
        text = self.table()
        self.results["table"] = text.splitlines()
        payload = json.dumps(self.results, indent=1, default=str)
        (BENCH / "results.json").write_text(payload + "\n")
        (self.run_dir / "results.json").write_text(payload + "\n")
        print(text)
        print(f"\nwritten to {BENCH / 'results.json'}; logs in {self.run_dir}")
        return 0


def _cell(value) -> str:
    return "" if value is None else str(value)


def _count_name(step: str) -> str:
    return {
        "assessment page": "exam: assessment page",
        "start": "exam: start",
        "attempt page": "exam: attempt page",
        "save answers": "exam: save an answer",
        "submit": "exam: submit (passes, issues certificates)",
    }.get(step, "")


def _reported_seconds(output: str) -> float | None:
    match = re.search(r"in ([0-9.]+) s|\(([0-9.]+) s\)", output)
    return float(match.group(1) or match.group(2)) if match else None


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the academy (see bench/README.md).")
    parser.add_argument("--size", choices=("S", "M", "L"), default=os.environ.get("SIZE", "S"))
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page (default 10)")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("DB") or ("postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"),
        help="the database: a SQLite file in bench/runs/ (default) or the machine's PostgreSQL (bench_academy)",
    )
    parser.add_argument(
        "--nodes", type=int, default=int(os.environ.get("NODES") or 1), help="gunicorn instances (hosts), default 1"
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="keep the PostgreSQL databases after the run (to inspect them)"
    )
    parser.add_argument("--spike", type=int, default=2000, help="learners in the exam spike (default 2000)")
    parser.add_argument(
        "--arrival",
        type=float,
        default=55,
        help="seconds over which they arrive (default 55: the last one has started within the minute)",
    )
    parser.add_argument(
        "--deadline", type=float, default=120, help="seconds after which the spike's stragglers give up (default 120)"
    )
    parser.add_argument(
        "--pass-share", type=float, default=0.7, help="share of the spike's learners answering rightly (default 0.7)"
    )
    args = parser.parse_args()
    if args.nodes < 1:
        parser.error("--nodes must be 1 or more")
    if args.nodes > 1 and args.db == "sqlite":
        print(
            f"NODES={args.nodes} needs DB=postgresql: several hosts cannot share one SQLite file (each host would "
            "need the same disk, and SQLite's locks do not hold over a network share). Run "
            f"`make bench DB=postgresql NODES={args.nodes}`.",
            file=sys.stderr,
        )
        return 2
    if shutil.which("wrk") is None:
        print("wrk is missing: install it with `apt-get install wrk` (Debian/Ubuntu).", file=sys.stderr)
        return 2

    def interrupted(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl+C, even when started with SIGINT ignored
    bench = Bench(args)
    try:
        return bench.main()
    except KeyboardInterrupt:
        log("interrupted: every process the benchmark started is stopped")
        return 130
    except (Failure, subprocess.SubprocessError) as error:
        log(f"failed: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
