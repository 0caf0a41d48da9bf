"""Where a request's time goes: statements, round trips and a profile, in-process.

    bash bench/run --keep-db ...            (once: a seeded platform_bench to work on)
    .venv/bin/python bench/anatomy.py [--requests 500] [--endpoint list_p1] [--flat 25]

Runs against the database the bench left (``--keep-db``), with the bench's
environment (``bench/results/env`` is written by bench/run), one request at a
time through WebTest, so no server, client or scheduler noise is involved:

1. per endpoint (platform and bare), after a warm-up request: SQL statements
   per request (an SQLAlchemy ``before_cursor_execute`` listener, SAVEPOINT
   and RELEASE ignored), pool checkouts, transactions begun (a read request's
   autocommit "transaction" sends no BEGIN), Redis round trips
   (counted on the client: a command, or a pipeline, each) and the mean wall
   and CPU time of a request;
2. a profile of ``--requests`` requests of ``--endpoint`` with pyinstrument
   (``pip install pyinstrument`` into .venv; cProfile if it is missing):
   the flat list of functions by own time, then by total time.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import webtest
from pyramid.paster import get_app
from sqlalchemy import event

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bare


def load_env(path):
    for line in Path(path).read_text().splitlines():
        name, _, value = line.partition("=")
        if name and name not in os.environ:
            os.environ[name] = value


def bench_fixture(env_path):
    """The seeded bench's fixture (businesses, users, tokens, product ids), its environment (``bench/results/env``,
    written by ``bench/run``) loaded first."""
    load_env(env_path)
    return json.loads(Path(os.environ["BENCH_WORKDIR"], "fixture.json").read_text())


def bare_app(token_cache=False):
    """The bare reference app on the bench's database and Redis (after :func:`bench_fixture`)."""
    return bare.make_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_REDIS_URL"], os.environ["BENCH_SECRET"],
                         token_cache)


class Counters:
    """SQL statements, pool checkouts (pings) and transactions of one engine."""

    def __init__(self, engines=(), pool=None):
        self.statements = self.checkouts = self.begins = 0
        self.last = []
        pools = [pool] if pool is not None else []
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._statement)
            event.listen(engine, "begin", self._begin)
            pools.append(engine.pool)
        for each in pools:
            event.listen(each, "checkout", self._checkout)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            self.statements += 1
            self.last.append(" ".join(statement.split())[:70] + " ...")

    def _begin(self, conn):
        self.begins += 1

    def _checkout(self, dbapi_connection, record, proxy):
        self.checkouts += 1

    def snapshot(self):
        return self.statements, self.checkouts, self.begins


class RedisTrips:
    """Round trips of one Redis client: each command, and each pipeline sent, counts once."""

    def __init__(self, client):
        self.count = 0
        execute_command = client.execute_command
        pipeline = client.pipeline

        def counted(*args, **kwargs):
            self.count += 1
            return execute_command(*args, **kwargs)

        def counted_pipeline(*args, **kwargs):
            pipe = pipeline(*args, **kwargs)
            execute = pipe.execute

            def counted_execute(*a, **k):
                self.count += 1
                return execute(*a, **k)

            pipe.execute = counted_execute
            return pipe

        client.execute_command = counted
        client.pipeline = counted_pipeline


def callers(fixture):
    """(read headers, write headers, product ids read): an admin of the first business reads, one of the second
    writes, as in the load bench."""
    business, writer = fixture["businesses"][0], fixture["businesses"][1]
    read = {"Authorization": f"Bearer {business['users']['admin']['access_token']}", "X-Business-Id": business["id"]}
    write = {"Authorization": f"Bearer {writer['users']['admin']['access_token']}", "X-Business-Id": writer["id"]}
    return read, write, Path(business["ids_file"]).read_text().split()


def endpoints(fixture):
    read, write, ids = callers(fixture)
    counter = iter(range(10**9))

    def create(app):
        n = next(counter)
        sku = f"PROFILE-{os.getpid()}-{n}"
        return app.post_json("/api/inventory/products", {"name": sku, "sku": sku, "cost_price": "4.20"},
                             headers=write, status=201)

    return {
        "health": lambda app: app.get("/api/health"),
        "list_p1": lambda app: app.get("/api/inventory/products", headers=read),
        "list_p50": lambda app: app.get("/api/inventory/products?ordering=-created_at&page=50", headers=read),
        "detail": lambda app: app.get(f"/api/inventory/products/{ids[next(counter) % len(ids)]}", headers=read),
        "create": create,
    }


def measure(app, counters, trips, call, repeat):
    call(app)  # warm-up: caches, prepared statements, the pool
    s0, c0, b0 = counters.snapshot()
    r0 = trips.count
    counters.last = []
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        call(app)
    elapsed = (time.perf_counter() - started) / repeat
    cpu = (time.process_time() - cpu) / repeat
    s1, c1, b1 = counters.snapshot()
    r1 = trips.count
    return {"statements": (s1 - s0) / repeat, "checkouts": (c1 - c0) / repeat, "begins": (b1 - b0) / repeat,
            "redis_round_trips": (r1 - r0) / repeat, "ms": round(elapsed * 1000, 3), "cpu_ms": round(cpu * 1000, 3),
            "sql": counters.last[: int((s1 - s0) / repeat)]}


def profile(app, call, requests, flat, tree=False):
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    for _ in range(20):
        call(app)
    if Profiler is None:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            call(app)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(flat)
        stats.sort_stats("cumtime").print_stats(flat)
        return
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(requests):
        call(app)
    profiler.stop()
    if tree:
        print(profiler.output_text(time="percent_of_total", short_mode=True))
        return
    for mode in ("self", "total"):
        text = profiler.output_text(flat=True, flat_time=mode, time="percent_of_total", short_mode=True)
        print(f"--- by {mode} time ({requests} requests) ---")
        print("\n".join(text.splitlines()[: flat + 6]))


#: Parts of a request, by the function that does each (file suffix, name); inclusive, so they nest.
PARTS = (
    ("the whole request (pyramid Router)", "pyramid/router.py", "__call__"),
    ("  pyramid_tm tween (transaction begin/commit, view inside)", "pyramid_tm/__init__.py", "tm_tween"),
    ("    transaction commit/abort (zope, session close)", "pyramid_tm/__init__.py", "_finish"),
    ("  session + zope.sqlalchemy registration", "platform_core/db/session.py", "get_tm_session"),
    ("  pool checkout", "sqlalchemy/pool/base.py", "_checkout"),
    ("  identity (load_identity)", "platform_core/auth/policy.py", "load_identity"),
    ("    JWT decode and verify (PyJWT)", "jwt/api_jwt.py", "decode"),
    ("    revocation and cached state, one Redis MGET", "platform_core/prefetch.py", "prefetch"),
    ("    account state (cached)", "platform_core/auth/state.py", "account_state"),
    ("  permission check (security policy permits)", "platform_core/auth/policy.py", "permits"),
    ("    membership (cached roles)", "platform_core/tenancy/context.py", "active_membership"),
    ("    module gate (Redis)", "platform_core/modules/state.py", "require_enabled"),
    ("  request validation (Cornice + colander)", "platform_core/validation.py", "validate_request"),
    ("  the view", "platform_core/resources.py", "view"),
    ("    list_page", "platform_core/listing.py", "list_page"),
    ("      cached total", "platform_core/db/counts.py", "cached_total"),
    ("    serialize objects", "platform_core/resources.py", "serialize"),
    ("    flush (audit rows, inserts)", "platform_core/resources.py", "flush"),
    ("  JSON rendering", "platform_core/envelope.py", "_serializer"),
    ("ORM execute (every statement)", "sqlalchemy/orm/session.py", "_execute_internal"),
    ("  tenancy criteria hook", "platform_core/db/tenancy.py", "_add_tenant_criteria"),
    ("psycopg execute (every statement)", "psycopg/cursor.py", "execute"),
    ("Redis commands (every one)", "redis/client.py", "execute_command"),
)


def breakdown(app, call, requests):
    """Inclusive cProfile time of each part of :data:`PARTS`, per request, and its share of the request."""
    import cProfile
    import pstats

    for _ in range(20):
        call(app)
    started = time.process_time()
    for _ in range(requests):
        call(app)
    cpu = (time.process_time() - started) / requests
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(app)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    totals = {}
    for label, suffix, name in PARTS:
        totals[label] = sum(entry[3] for (path, _, function), entry in stats.items()
                            if path.endswith(suffix) and function == name)
    whole = totals[PARTS[0][0]] or 1
    print(f"CPU per request without the profiler: {cpu * 1000:.2f} ms; shares measured under cProfile")
    for label, _, _ in PARTS:
        share = totals[label] / whole
        print(f"{share * 100:6.1f}%  {share * cpu * 1000:6.2f} ms  {label}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", default=str(HERE / "platform.ini"))
    parser.add_argument("--env", default=str(HERE / "results" / "env"))
    parser.add_argument("--repeat", type=int, default=200, help="requests per endpoint for the counts")
    parser.add_argument("--requests", type=int, default=500, help="requests profiled")
    parser.add_argument("--endpoint", default="list_p1")
    parser.add_argument("--flat", type=int, default=25, help="functions shown per profile listing")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--tree", action="store_true", help="the call tree instead of the flat lists")
    parser.add_argument("--json", action="store_true", help="one JSON line per endpoint and target (for bench/run)")
    parser.add_argument("--breakdown", action="store_true",
                        help="instead of the profile: the share of each part of a request (cProfile)")
    args = parser.parse_args()
    fixture = bench_fixture(args.env)
    platform_app = get_app(args.ini)
    # Writes run on db_engine, reads on db_read_engine (autocommit; its "begin" sends no BEGIN).
    platform_counters = Counters([platform_app.registry["db_engine"], platform_app.registry["db_read_engine"]])
    bare_wsgi = bare_app()
    bare_counters = Counters(pool=bare_wsgi.registry["backends"].pool)
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    targets = {"platform": (webtest.TestApp(platform_app, extra_environ=environ), platform_counters,
                            RedisTrips(platform_app.registry["redis"])),
               "bare": (webtest.TestApp(bare_wsgi, extra_environ=environ), bare_counters,
                        RedisTrips(bare_wsgi.registry["backends"].redis))}
    calls = endpoints(fixture)
    if not args.json:
        print("endpoint  target    ms/request  cpu_ms  statements  checkouts  transactions  redis_round_trips")
    for name, call in calls.items():
        for target, (app, counters, trips) in targets.items():
            result = measure(app, counters, trips, call, args.repeat)
            if args.json:
                sql = result.pop("sql")
                if target == "bare":
                    del result["statements"], result["begins"]
                print(json.dumps({"bench": "anatomy", "endpoint": name, "target": target, **result,
                                  **({"sql": sql} if target == "platform" else {})}))
                continue
            statements = "-" if target == "bare" else f"{result['statements']:.1f}"
            print(f"{name:9} {target:9} {result['ms']:10.2f}  {result['cpu_ms']:6.2f}  {statements:>10}  "
                  f"{result['checkouts']:9.1f}  {result['begins'] if target == 'platform' else '-':>12}  "
                  f"{result['redis_round_trips']:17.1f}")
            if target == "platform":
                for sql in result["sql"]:
                    print(f"{'':20}{sql}")
    if args.breakdown:
        breakdown(targets["platform"][0], calls[args.endpoint], args.requests)
    elif not args.no_profile:
        profile(targets["platform"][0], calls[args.endpoint], args.requests, args.flat, args.tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
