"""The load bench: the platform against the bare-stack limit, on PostgreSQL and Redis.

Run it through ``bash bench/run`` (which starts the services, installs wrk
and sets the environment); docs/performance.md describes the method and the
latest figures. In order, it:

1. creates a fresh database (``platform_bench``), migrates it with
   ``platform bench/platform.ini migrate`` and seeds it in bulk (bench/seed.py);
2. starts the platform with pserve (waitress, one process, four threads) as
   many times as there are runs, timing each start to its first served
   request, and keeps the last one; starts bench/bare.py the same way;
3. reads the platform's resident memory, sends it ``--memory-requests``
   requests (half list, half detail) and reads it again;
4. measures every endpoint with wrk (bench/load.lua), ``--runs`` times
   ``--duration`` each, platform and bare alternating, after a warm-up;
5. with ``--big``, seeds one business of that many products and measures
   list and detail there;
6. prints one JSON line per endpoint (medians over the runs), then the
   scale, startup and memory lines, and saves them under bench/results/.

Every process it starts is stopped on the way out, whatever happens.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform as python_platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = ROOT / ".venv" / "bin"
INI = HERE / "platform.ini"
LUA = HERE / "load.lua"
PRODUCTS = "/api/inventory/products"
HOST = "127.0.0.1"
PAGE_50 = f"{PRODUCTS}?ordering=-created_at&page=50"


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def seconds(text):
    """``10s``, ``2m`` or ``10`` → whole seconds."""
    text = str(text).strip().lower()
    factor = {"s": 1, "m": 60}.get(text[-1:], None)
    value = float(text[:-1]) if factor else float(text)
    return max(1, round(value * (factor or 1)))


# -- processes -------------------------------------------------------------------------


class Server:
    """A server process of ours: started in its own session, stopped by its pid."""

    def __init__(self, name, argv, port, env, log_path, pidfile, cpus):
        self.name, self.argv, self.port, self.env = name, argv, port, env
        self.log_path, self.pidfile, self.cpus = log_path, pidfile, cpus
        self.proc = None
        self.started_at = None

    def start(self):
        self.started_at = time.perf_counter()
        with open(self.log_path, "ab") as handle:
            self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=on_cpus(self.cpus))
        with open(self.pidfile, "a") as handle:
            handle.write(f"{self.proc.pid}\n")
        return self

    def wait_ready(self, timeout=90):
        """Seconds from the process start to its first answered GET /api/health (200)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"bench: {self.name} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _ = http_request(self.port, "GET", "/api/health", timeout=2)
                if status == 200:
                    return time.perf_counter() - self.started_at
            except OSError:
                pass
            time.sleep(0.005)
        raise SystemExit(f"bench: {self.name} did not answer within {timeout}s; see {self.log_path}")

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def usage(self):
        """(user CPU s, kernel CPU s, context switches) of the process so far.

        The CPU includes threads that have ended; the switches are summed over
        the live threads only. waitress keeps its threads for the process's
        life, so its are all counted; argon2's worker threads, started and
        joined within each hash, are not (login's switches are a floor).
        """
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        switches = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                for line in (task / "status").read_text().splitlines():
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        switches += int(line.split()[-1])
            except OSError:  # a thread that ended between listing and reading (ENOENT or ESRCH)
                continue
        return int(fields[11]) / tick, int(fields[12]) / tick, switches

    def memory_mb(self):
        """(VmRSS, VmHWM) in MiB, from /proc/<pid>/status."""
        values = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0]) / 1024
        return round(values["VmRSS"], 1), round(values["VmHWM"], 1)

    def stop(self):
        if not self.alive():
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=15)
        except ProcessLookupError:
            pass


def http_request(port, method, path, headers=None, body=None, timeout=10):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run(argv, env, what, timeout=3600):
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench: {what} failed (exit {result.returncode})")
    log(f"{what}: {time.perf_counter() - started:.1f}s")
    return result


# -- database --------------------------------------------------------------------------


def libpq(url):
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def recreate_database(server_url, name):
    with psycopg.connect(libpq(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(server_url, name):
    with psycopg.connect(libpq(server_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_versions(database_url, redis_url):
    with psycopg.connect(libpq(database_url)) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    client = redis.Redis.from_url(redis_url)
    return postgres, client.info("server")["redis_version"]


def flush_redis(redis_url):
    redis.Redis.from_url(redis_url).flushdb()


# -- CPUs ------------------------------------------------------------------------------


class Placement:
    """Which CPUs the server under test gets, and which the load and the services share.

    Why pin: unpinned on this 2-core machine, the four waitress threads, wrk,
    PostgreSQL and Redis all migrated between the cores, the GIL changed hands
    across them, and the same code's CPU per create moved by a third from one
    server start to the next, in either app (docs/performance.md, session 8).
    Pinned, the server under test is the only process the bench puts on the
    last CPU (one process with a GIL runs Python on one core at a time anyway),
    and wrk, PostgreSQL and Redis share the others. Both apps are placed the
    same way and only one is under load at a time; whether the load's CPUs
    kept up is measured per run (:func:`idle_share`), since an app held back
    by them would not be showing its own speed.
    """

    def __init__(self, pin, service_pids):
        self.all_cpus = set(os.sched_getaffinity(0))
        cpus = sorted(self.all_cpus)
        self.pinned = pin and len(cpus) >= 2
        if pin and not self.pinned:
            log("one CPU only: nothing pinned")
        self.server_cpus = {cpus[-1]} if self.pinned else set(cpus)
        self.load_cpus = set(cpus[:-1]) if self.pinned else set(cpus)
        self.services = [int(pid) for pid in service_pids.split()]
        self.services_pinned = False

    def describe(self):
        """For the meta line: where each part ran."""
        if not self.pinned:
            return "unpinned"
        services = ", PostgreSQL, Redis" if self.services_pinned else ""
        return (f"servers on CPU {','.join(map(str, sorted(self.server_cpus)))}; "
                f"wrk{services} on CPU {','.join(map(str, sorted(self.load_cpus)))}")

    def place_services(self):
        """PostgreSQL and Redis on the load's CPUs (all CPUs when unpinned, undoing a run that was killed)."""
        self.services_pinned = self._set_services(self.load_cpus) and self.pinned

    def release_services(self):
        """Every CPU back to the services, the backends and threads they started during the run included."""
        self._set_services(self.all_cpus)

    def _set_services(self, cpus):
        placed = bool(self.services)
        for tid in self._threads_of(self.services):
            try:
                os.sched_setaffinity(tid, cpus)
            except ProcessLookupError:  # a backend that ended meanwhile
                continue
            except OSError as exc:  # not ours to move (EPERM), or outside our cpuset (EINVAL)
                log(f"could not place thread {tid} of the services: {exc}")
                placed = False
        return placed

    @staticmethod
    def _threads_of(pids):
        """Every thread of ``pids`` and of their children.

        Direct children are enough: PostgreSQL's processes (backends, checkpointer,
        walwriter...) are all the postmaster's children, and Redis is one process.
        """
        processes = set(pids)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent in processes:
                processes.add(int(stat.parent.name))
        threads = []
        for pid in processes:
            try:
                threads += [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]
            except OSError:
                continue
        return threads


def on_cpus(cpus):
    """A ``preexec_fn`` placing the child process (and the threads it starts) on ``cpus``."""
    return lambda: os.sched_setaffinity(0, cpus)


def cpu_times(cpus):
    """(idle, total) jiffies of ``cpus`` so far, from /proc/stat."""
    idle = total = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            numbers = [int(value) for value in values[:8]]
            idle += numbers[3] + numbers[4]  # idle and iowait
            total += sum(numbers)
    return idle, total


def idle_share(before, after):
    idle, total = (end - start for end, start in zip(after, before))
    return idle / total if total else 0.0


# -- load ------------------------------------------------------------------------------


#: Endpoints measured on the business with --big products (step 5).
BIG_ENDPOINTS = ("big_list_p1", "big_detail")


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    #: wrk script arguments, given a unique tag for the invocation.
    args: object
    bare: bool = False
    pool: list = field(default_factory=list)


class Load:
    """Runs wrk against a server and reads its JSON line; tracks the server's CPU time."""

    def __init__(self, options, workdir, placement):
        self.options = options
        self.workdir = workdir
        self.placement = placement
        self.tag = 0

    def wrk(self, server, endpoint, duration, cap=0, extra=()):
        self.tag += 1
        args = list(endpoint.args(self.tag)) + list(extra)
        if cap:
            args.append(f"max={math.ceil(cap / self.options.threads)}")
        argv = ["wrk", f"-t{self.options.threads}", f"-c{self.options.connections}", f"-d{duration}s",
                "--timeout", "10s", "-s", str(LUA), f"http://{HOST}:{server.port}", "--",
                f"nthreads={self.options.threads}", *args]
        before, load_before, started = server.usage(), cpu_times(self.placement.load_cpus), time.perf_counter()
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=on_cpus(self.placement.load_cpus)) as process:
            try:
                if cap:
                    # A thread that reached its cap stops, but wrk's main thread sleeps out -d:
                    # once only the main thread is left, SIGINT makes it report at once.
                    started = False
                    while process.poll() is None:
                        threads = len(os.listdir(f"/proc/{process.pid}/task"))
                        if started and threads == 1:
                            break
                        started = started or threads > 1
                        time.sleep(0.05)
                    if process.poll() is None:
                        process.send_signal(signal.SIGINT)
                stdout, stderr = process.communicate(timeout=duration + 120)
            except BaseException:
                process.kill()
                raise
        wall = time.perf_counter() - started
        load_idle = idle_share(load_before, cpu_times(self.placement.load_cpus))
        user, kernel, switches = (after - start for after, start in zip(server.usage(), before))
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        if process.returncode != 0 or not lines:
            sys.stderr.write(stdout + stderr)
            raise SystemExit(f"bench: wrk failed on {endpoint.name} ({server.name})")
        figures = json.loads(lines[-1])
        requests = max(figures["requests"], 1)
        figures["cpu_ms_per_request"] = round(1000 * (user + kernel) / requests, 3)
        figures["kernel_cpu_share"] = round(kernel / max(user + kernel, 1e-9), 3)
        figures["switches_per_request"] = round(switches / requests, 1)
        # Near 1: the server was the bottleneck. Lower with load_cpus_idle near 0: the load's CPUs were.
        figures["server_busy"] = round((user + kernel) / wall, 3)
        figures["load_cpus_idle"] = round(load_idle, 3)
        return figures


def median_figures(runs):
    keys = ("rps", "p50_ms", "p90_ms", "p99_ms", "cpu_ms_per_request", "kernel_cpu_share", "switches_per_request",
            "server_busy", "load_cpus_idle")
    out = {key: round(statistics.median(run[key] for run in runs), 3 if key != "rps" else 1) for key in keys}
    out["errors"] = sum(run["non_2xx"] + run["socket_errors"] for run in runs)
    out["requests"] = sum(run["requests"] for run in runs)
    out["runs_rps"] = [round(run["rps"], 1) for run in runs]
    return out


def measure(load, endpoint, platform, bare, options):
    """Warm-up, then ``runs`` runs alternating platform and bare; medians per target."""
    targets = [platform] + ([bare] if endpoint.bare else [])
    for server in targets:
        load.wrk(server, endpoint, options.warmup)
    figures = {server.name: [] for server in targets}
    for number in range(options.runs):
        for server in (targets if number % 2 == 0 else list(reversed(targets))):
            figures[server.name].append(load.wrk(server, endpoint, options.duration))
    line = {"bench": "endpoint", "endpoint": endpoint.name, "method": endpoint.method, "path": endpoint.path,
            "runs": options.runs, "duration_s": options.duration, **median_figures(figures["platform"])}
    if endpoint.bare:
        line["bare"] = {**median_figures(figures["bare"]), "token_cache": options.bare_token_cache}
        line["ratio"] = round(line["rps"] / line["bare"]["rps"], 3)
        # The same comparison by the servers' own CPU, which a held-back load cannot move.
        line["cpu_ratio"] = round(line["bare"]["cpu_ms_per_request"] / line["cpu_ms_per_request"], 3)
    # Anything else busy on the machine shows here (the bench itself keeps it near 2-3).
    line["loadavg_1m"] = round(os.getloadavg()[0], 2)
    return line


# -- the run ---------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000, help="products per business (10000)")
    parser.add_argument("--businesses", type=int, default=10, help="businesses (10)")
    parser.add_argument("--big", type=int, default=None,
                        help="products of the one big business measured for scale (1000000; 0 skips; "
                             "--quick skips it unless given)")
    parser.add_argument("--no-big", action="store_true", help="skip the big business")
    parser.add_argument("--duration", default="10s", help="each measured run (10s)")
    parser.add_argument("--runs", type=int, default=3, help="runs per endpoint, medians reported (3)")
    parser.add_argument("--warmup", default="2s", help="unmeasured run before each endpoint's runs (2s)")
    parser.add_argument("--quick", action="store_true", help="development: 1 run of 3s, 1s warm-up, no big")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2, on the load's CPU when pinned)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4: 2 per thread)")
    parser.add_argument("--memory-requests", type=int, default=None, help="requests before the RSS reading (10000)")
    parser.add_argument("--refresh-rate", type=int, default=1500,
                        help="refresh tokens generated per second of refresh load (1500)")
    parser.add_argument("--only", default="", help="comma-separated endpoint names (development)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "6801")),
                        help="platform port; bare is port+1 (6801)")
    parser.add_argument("--keep-db", action="store_true", help="keep platform_bench for bench/anatomy.py")
    parser.add_argument("--profile", default="", help="py-spy the platform under load for this long (e.g. 20s)")
    parser.add_argument("--profile-endpoint", default="list_p1", help="the endpoint --profile drives (default list_p1)")
    parser.add_argument("--no-anatomy", action="store_true", help="skip the statements-per-request step")
    parser.add_argument("--no-pin", action="store_true",
                        help="let the servers, wrk and the services float over all CPUs (see Placement)")
    parser.add_argument("--bare-token-cache", action="store_true",
                        help="the bare app memoizes token verification like the platform (bench/bare.py)")
    options = parser.parse_args(argv)
    if options.quick:
        options.runs, options.duration, options.warmup = 1, "3s", "1s"
        options.memory_requests = options.memory_requests or 2000
    options.duration = seconds(options.duration)
    options.warmup = seconds(options.warmup)
    options.memory_requests = options.memory_requests or 10_000
    if options.no_big:
        options.big = 0
    elif options.big is None:
        options.big = 0 if options.quick else 1_000_000
    return options


def git_revision():
    try:
        revision = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                  text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,
                               check=False).stdout
        return revision + ("+changes" if dirty.strip() else "")
    except OSError:
        return "unknown"


def main(argv=None):
    options = parse_args(sys.argv[1:] if argv is None else argv)
    began = time.perf_counter()
    env = dict(os.environ)
    for name in ("BENCH_DATABASE_URL", "BENCH_DATABASE_SERVER_URL", "BENCH_REDIS_URL", "BENCH_SECRET"):
        if not env.get(name):
            raise SystemExit(f"bench: {name} is not set; run the bench through bash bench/run")
    env.setdefault("PYTHONWARNINGS", "ignore")
    results = HERE / "results"
    workdir = results / "work"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env["BENCH_WORKDIR"] = str(workdir)
    env["BENCH_MAIL_DIR"] = str(workdir / "mail")
    pidfile = Path(env.get("BENCH_PIDFILE", results / "pids"))
    database = env["BENCH_DATABASE_URL"].rsplit("/", 1)[1]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    lines = []
    servers = []

    def emit(line):
        lines.append(line)
        print(json.dumps(line), flush=True)

    def on_signal(signum, frame):
        raise SystemExit(f"bench: stopped by signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    placement = Placement(not options.no_pin, env.get("BENCH_SERVICE_PIDS", ""))
    try:
        placement.place_services()
        postgres, redis_version = None, None
        # 1. a fresh, migrated, seeded database and an empty Redis database
        recreate_database(env["BENCH_DATABASE_SERVER_URL"], database)
        flush_redis(env["BENCH_REDIS_URL"])
        postgres, redis_version = server_versions(env["BENCH_DATABASE_URL"], env["BENCH_REDIS_URL"])
        emit({"bench": "meta", "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "revision": git_revision(), "cpus": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()],
              "python": python_platform.python_version(), "postgresql": postgres, "redis": redis_version,
              "redis_parser": "hiredis" if redis.utils.HIREDIS_AVAILABLE else "python",
              "wrk_threads": options.threads, "wrk_connections": options.connections,
              "server": "waitress, 1 process, 4 threads", "cpus_placement": placement.describe(),
              "duration_s": options.duration, "runs": options.runs,
              "businesses": options.businesses, "products_per_business": options.products, "big": options.big})
        (results / "env").write_text("".join(f"{name}={env[name]}\n" for name in (
            "BENCH_DATABASE_URL", "BENCH_REDIS_URL", "BENCH_SECRET", "BENCH_MAIL_DIR", "BENCH_WORKDIR")))
        run([str(VENV_BIN / "platform"), str(INI), "migrate"], env, "migrate")
        run([str(VENV_BIN / "python"), str(HERE / "seed.py"), "base", "--ini", str(INI), "--out", str(workdir),
             "--businesses", str(options.businesses), "--products", str(options.products)], env,
            f"seed {options.businesses} businesses x {options.products} products")
        refresh_chunk = options.refresh_rate * options.duration
        warm_chunk = options.refresh_rate * options.warmup
        pool_size = warm_chunk + refresh_chunk * options.runs + 1
        run([str(VENV_BIN / "python"), str(HERE / "seed.py"), "refresh-pool", "--ini", str(INI),
             "--out", str(workdir / "refresh-pool.txt"), "--count", str(pool_size)], env,
            f"{pool_size} refresh tokens")
        fixture = json.loads((workdir / "fixture.json").read_text())

        # 2. the servers, and the platform's time to its first request
        bare_argv = [str(VENV_BIN / "python"), str(HERE / "bare.py"), "--port", str(options.port + 1)]
        bare = Server("bare", bare_argv + (["--token-cache"] if options.bare_token_cache else []),
                      options.port + 1, env, workdir / "bare.log", pidfile, placement.server_cpus)
        servers.append(bare.start())
        bare.wait_ready()
        startups = []
        platform = None
        for number in range(max(1, options.runs)):
            platform = Server("platform", [str(VENV_BIN / "pserve"), str(INI), f"http_port={options.port}"],
                              options.port, env, workdir / "platform.log", pidfile, placement.server_cpus)
            servers.append(platform.start())
            startups.append(round(platform.wait_ready(), 3))
            if number < max(1, options.runs) - 1:
                platform.stop()
        rss_started, _ = platform.memory_mb()
        log(f"platform started in {startups} s (RSS {rss_started} MiB); bare on port {bare.port}")

        endpoints, reader = build_endpoints(fixture, workdir, refresh_chunk, warm_chunk)
        smoke(platform, bare, endpoints, workdir)
        modules = installed_modules(platform, reader)
        load = Load(options, workdir, placement)

        # 3. memory after the first requests
        served = 0
        for name in ("list_p1", "detail"):
            served += load.wrk(platform, endpoints[name], 600, cap=options.memory_requests // 2)["requests"]
        rss_after, _ = platform.memory_mb()
        log(f"RSS {rss_after} MiB after {served} requests")

        # 4. every endpoint
        wanted = [name for name in options.only.split(",") if name] or list(endpoints)
        unknown = set(wanted) - set(endpoints) - set(BIG_ENDPOINTS)
        if unknown:
            raise SystemExit(f"bench: no endpoint {', '.join(sorted(unknown))}; "
                             f"choose from {', '.join([*endpoints, *BIG_ENDPOINTS])}")
        figures = {}
        # (The 1M-product endpoints run in step 5, whenever --big is set.)
        for name in (name for name in wanted if name not in BIG_ENDPOINTS):
            endpoint = endpoints[name]
            line = measure(load, endpoint, platform, bare, options)
            if endpoint.pool and line["requests"] > refresh_chunk * options.runs:
                line["pool_exhausted"] = True
            figures[name] = line
            emit(line)

        # 5. scale: one business with --big products
        if options.big:
            run([str(VENV_BIN / "python"), str(HERE / "seed.py"), "big", "--ini", str(INI), "--out", str(workdir),
                 "--products", str(options.big)], env, f"seed one business x {options.big} products")
            fixture = json.loads((workdir / "fixture.json").read_text())
            big = fixture["big"][0]
            big_headers = [f"token={big['users']['admin']['access_token']}", f"business={big['id']}"]
            for name, endpoint in (
                    ("big_list_p1", Endpoint("big_list_p1", "GET", PRODUCTS,
                                             lambda tag: ["mode=get", f"path={PRODUCTS}", *big_headers], bare=True)),
                    ("big_detail", Endpoint("big_detail", "GET", PRODUCTS + "/{id}",
                                            lambda tag: ["mode=ids", f"path={PRODUCTS}/", f"file={big['ids_file']}",
                                                         *big_headers], bare=True))):
                line = measure(load, endpoint, platform, bare, options)
                line["products_in_business"] = options.big
                figures[name] = line
                emit(line)
            if "list_p1" in figures:
                small, large = figures["list_p1"], figures["big_list_p1"]
                emit({"bench": "scale", "endpoint": "list_p1", "products_small": options.products,
                      "products_big": options.big, "p50_ms_small": small["p50_ms"], "p50_ms_big": large["p50_ms"],
                      "p50_factor": round(large["p50_ms"] / small["p50_ms"], 1),
                      "bare_p50_ms_small": small["bare"]["p50_ms"], "bare_p50_ms_big": large["bare"]["p50_ms"]})

        # 6. startup and memory
        rss_end, hwm = platform.memory_mb()
        emit({"bench": "startup", "seconds_to_first_request": statistics.median(startups), "runs": startups,
              "plugins": modules})
        emit({"bench": "memory", "rss_mb_after_start": rss_started, "requests": served,
              "rss_mb_after_requests": rss_after, "rss_mb_at_end": rss_end, "hwm_mb": hwm})

        if options.profile:
            profile(load, platform, endpoints[options.profile_endpoint], seconds(options.profile), results)
        if not options.no_anatomy:
            for server in servers:
                server.stop()
            anatomy = run([str(VENV_BIN / "python"), str(HERE / "anatomy.py"), "--env", str(results / "env"),
                           "--no-profile", "--json", "--repeat", "100"], env, "statements per request (anatomy)")
            for text in anatomy.stdout.splitlines():
                if text.startswith("{"):
                    emit(json.loads(text))
        elapsed = round(time.perf_counter() - began)
        emit({"bench": "done", "seconds": elapsed, "loadavg": [round(x, 2) for x in os.getloadavg()]})
        save(results, stamp, lines)
        log(f"finished in {elapsed}s; results in {results}/latest.jsonl and {results}/latest.md")
        return 0
    finally:
        for server in servers:
            server.stop()
        placement.release_services()
        if not options.keep_db:
            try:
                drop_database(env["BENCH_DATABASE_SERVER_URL"], database)
                flush_redis(env["BENCH_REDIS_URL"])
            except (OSError, psycopg.Error, redis.RedisError) as exc:  # the services may be gone already
                log(f"could not drop {database}: {exc}")


def build_endpoints(fixture, workdir, refresh_chunk, warm_chunk):
    """The measured endpoints: reads in business 1, writes in business 2."""
    reader, writer = fixture["businesses"][0], fixture["businesses"][1 if len(fixture["businesses"]) > 1 else 0]

    def auth(business):
        return [f"token={business['users']['admin']['access_token']}", f"business={business['id']}"]

    emails = workdir / "emails.txt"
    emails.write_text("".join(f"{person['email']}\n" for business in fixture["businesses"]
                              for person in business["users"].values()))
    # The refresh pool, cut in one file per wrk invocation (warm-up first); the last token is the smoke test's.
    tokens = (workdir / "refresh-pool.txt").read_text().split()
    chunks = [tokens[:warm_chunk]] + [tokens[warm_chunk + k * refresh_chunk: warm_chunk + (k + 1) * refresh_chunk]
                                      for k in range((len(tokens) - 1 - warm_chunk) // refresh_chunk)]
    files = []
    for number, chunk in enumerate(chunks):
        path = workdir / f"refresh-{number}.txt"
        path.write_text("\n".join(chunk) + "\n")
        files.append(path)
    (workdir / "refresh-smoke.txt").write_text(tokens[-1])
    next_file = iter(files)
    return {
        "health": Endpoint("health", "GET", "/api/health", lambda tag: ["mode=get", "path=/api/health"], bare=True),
        "list_p1": Endpoint("list_p1", "GET", PRODUCTS, lambda tag: ["mode=get", f"path={PRODUCTS}", *auth(reader)],
                            bare=True),
        "list_p50": Endpoint("list_p50", "GET", PAGE_50, lambda tag: ["mode=get", f"path={PAGE_50}", *auth(reader)],
                             bare=True),
        "detail": Endpoint("detail", "GET", PRODUCTS + "/{id}",
                           lambda tag: ["mode=ids", f"path={PRODUCTS}/", f"file={reader['ids_file']}", *auth(reader)],
                           bare=True),
        "create": Endpoint("create", "POST", PRODUCTS,
                           lambda tag: ["mode=create", f"path={PRODUCTS}", f"tag={tag}", *auth(writer)], bare=True),
        "patch": Endpoint("patch", "PATCH", PRODUCTS + "/{id}",
                          lambda tag: ["mode=patch", f"path={PRODUCTS}/", f"file={writer['ids_file']}", f"tag={tag}",
                                       *auth(writer)]),
        "login": Endpoint("login", "POST", "/api/auth/login",
                          lambda tag: ["mode=login", "path=/api/auth/login", f"file={emails}",
                                       f"password={fixture['password']}"]),
        "refresh": Endpoint("refresh", "POST", "/api/auth/refresh",
                            lambda tag: ["mode=refresh", "path=/api/auth/refresh", f"file={next(next_file)}"],
                            pool=files),
    }, reader


def smoke(platform, bare, endpoints, workdir):
    """One request of each kind answers 2xx on both servers, or the run stops with the answer."""
    fixture = json.loads((workdir / "fixture.json").read_text())
    reader, writer = fixture["businesses"][0], fixture["businesses"][1 if len(fixture["businesses"]) > 1 else 0]
    ids = Path(reader["ids_file"]).read_text().split()
    writer_ids = Path(writer["ids_file"]).read_text().split()

    def headers(business, body=False):
        out = {"Authorization": f"Bearer {business['users']['admin']['access_token']}",
               "X-Business-Id": business["id"]}
        return {**out, "Content-Type": "application/json"} if body else out

    checks = [
        ("GET", PRODUCTS, headers(reader), None, True),
        ("GET", PAGE_50, headers(reader), None, True),
        ("GET", f"{PRODUCTS}/{ids[0]}", headers(reader), None, True),
        ("POST", PRODUCTS, headers(writer, True), json.dumps({"name": "Smoke", "sku": "SMOKE-{port}"}), True),
        ("PATCH", f"{PRODUCTS}/{writer_ids[0]}", headers(writer, True), json.dumps({"sale_price": "1.00"}), False),
        ("POST", "/api/auth/login", {"Content-Type": "application/json"},
         json.dumps({"email": reader["users"]["admin"]["email"], "password": fixture["password"]}), False),
        ("POST", "/api/auth/refresh", {"Content-Type": "application/json"},
         json.dumps({"refresh_token": (workdir / "refresh-smoke.txt").read_text().strip()}), False),
    ]
    for method, path, head, body, with_bare in checks:
        for server in [platform] + ([bare] if with_bare else []):
            status, answer = http_request(server.port, method, path, head,
                                          body.replace("{port}", str(server.port)) if body else None)
            if not 200 <= status < 300:
                raise SystemExit(f"bench: smoke test {method} {path} on {server.name}: {status} {answer[:500]!r}")


def installed_modules(platform, business):
    status, body = http_request(platform.port, "GET", "/api/modules", {
        "Authorization": f"Bearer {business['users']['admin']['access_token']}", "X-Business-Id": business["id"]})
    if status != 200:
        raise SystemExit(f"bench: GET /api/modules answered {status}")
    return [module["name"] for module in json.loads(body)["data"]]


def profile(load, platform, endpoint, duration, results):
    """py-spy the platform while wrk drives ``endpoint``; writes the raw stacks and a summary."""
    spy = shutil.which("py-spy", path=f"{VENV_BIN}:{os.environ.get('PATH', '')}")
    if spy is None:
        log("--profile needs py-spy: .venv/bin/pip install py-spy (measurement only, not a dependency)")
        return
    raw = results / f"profile-{endpoint.name}.raw"
    # --gil: only the thread holding the GIL is sampled. One process runs Python on one core at a
    # time, so that is where its throughput goes; waits for sockets and for the GIL are left out.
    spy_process = subprocess.Popen([spy, "record", "-p", str(platform.pid), "-d", str(duration), "-r", "200",
                                    "--gil", "-f", "raw", "-o", str(raw)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    load.wrk(platform, endpoint, duration + 2)
    spy_process.wait(timeout=60)
    summary = summarize_stacks(raw, endpoint.name)
    (results / f"profile-{endpoint.name}.txt").write_text(summary)
    sys.stderr.write(summary)


def summarize_stacks(path, endpoint_name, top=30):
    """Inclusive and own sample shares per function, from py-spy's raw (collapsed) output."""
    import collections
    import re

    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    pattern = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")

    def name(frame):
        match = pattern.match(frame)
        if not match:
            return frame
        return f"{match.group(1)} ({match.group(2).split('site-packages/')[-1].replace(str(ROOT) + '/', '')})"

    for text in Path(path).read_text().splitlines():
        stack, _, count = text.rpartition(" ")
        if not stack:
            continue
        count = int(count)
        total += count
        frames = [name(frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    out = [f"py-spy --gil: {total} samples of the platform's GIL holder under {endpoint_name} load", "-- inclusive --"]
    out += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    out += ["-- own --"] + [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(out) + "\n"


def save(results, stamp, lines):
    text = "".join(json.dumps(line) + "\n" for line in lines)
    (results / f"{stamp}.jsonl").write_text(text)
    (results / "latest.jsonl").write_text(text)
    markdown = report(lines)
    (results / f"{stamp}.md").write_text(markdown)
    (results / "latest.md").write_text(markdown)
    sys.stderr.write(markdown)


def _scheduling_cells(figures):
    """One app's busy share, load idle share, kernel share and switches, as report cells."""
    return [f"{figures['server_busy']:.0%}", f"{figures['load_cpus_idle']:.0%}", f"{figures['kernel_cpu_share']:.0%}",
            f"{figures['switches_per_request']:.1f}"]


def report(lines):
    """The figures as Markdown tables (for docs/performance.md)."""
    out = [("| endpoint | req/s | p50 ms | p90 ms | p99 ms | errors | CPU ms/req | bare req/s | bare p50 ms "
            "| bare CPU ms/req | platform/bare |"), "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for line in lines:
        if line["bench"] != "endpoint":
            continue
        bare = line.get("bare")
        cells = [f"`{line['method']} {line['path']}`" + (" (1M)" if line.get("products_in_business") else ""),
                 f"{line['rps']:.1f}", f"{line['p50_ms']:.1f}", f"{line['p90_ms']:.1f}", f"{line['p99_ms']:.1f}",
                 str(line["errors"]), f"{line['cpu_ms_per_request']:.2f}"]
        cells += ([f"{bare['rps']:.1f}", f"{bare['p50_ms']:.1f}", f"{bare['cpu_ms_per_request']:.2f}",
                   f"**{line['ratio']:.2f}**"] if bare else ["–", "–", "–", "–"])
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "| endpoint | server busy | load CPUs idle | kernel share | switches/req | bare busy | bare load idle "
            "| bare kernel share | bare switches/req | ratio by CPU/req |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for line in lines:
        if line["bench"] == "endpoint":
            bare = line.get("bare")
            cells = [line["endpoint"], *_scheduling_cells(line)]
            cells += [*_scheduling_cells(bare), f"{line['cpu_ratio']:.2f}"] if bare else ["–"] * 5
            out.append("| " + " | ".join(cells) + " |")
    for line in lines:
        if line["bench"] in ("scale", "startup", "memory", "done"):
            out.append("")
            out.append(f"- {line['bench']}: " + ", ".join(f"{k}={v}" for k, v in line.items() if k != "bench"))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
