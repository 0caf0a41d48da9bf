"""Instructions per request of both apps, counted by valgrind: a figure the machine's noise does not move.

    bash bench/run --quick --keep-db          (once: a seeded platform_bench)
    .venv/bin/python bench/instructions.py [health,list_p1,detail,create] [--requests 300]

On this shared 2-core machine the CPU time of the same code moves by 30 %
from one minute to the next, so a change of a few per cent cannot be seen in
timings, in-process or under load. Valgrind's ``cachegrind`` counts the
user-space instructions a process executes, which does not depend on the
host's other load (repeated counts agree within about 0.5 %). For each
endpoint and app this runs a child process twice under it: once building the
app and warming up, once doing that and ``--requests`` more requests, called
straight on the WSGI app (no server, no WebTest) with the load bench's
bodies; the difference divided by ``--requests`` is the figure. It leaves
out the kernel (syscalls, the round trips themselves) and the database and
Redis servers' own work: compare round trips with ``bench/anatomy.py``.
Needs Debian's ``valgrind``; about a minute per endpoint.
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARM_UP = 40
#: Both child runs hash alike, so dict and set layouts do not differ between them.
CHILD_ENV = {**os.environ, "PYTHONHASHSEED": "0"}


def requests_of(fixture, endpoint):
    """A function giving the next WSGI request of ``endpoint``, as bench/load.lua sends it."""
    import orjson
    from webob import Request

    import anatomy

    read, write, ids = anatomy.callers(fixture)
    counter = iter(range(10**9))
    run = uuid.uuid4().hex[:8]  # SKUs no earlier run (of a database kept with --keep-db) has taken

    def request(path, headers=None, body=None):
        made = Request.blank(path, method="POST" if body else "GET", headers=headers or {},
                             environ={"REMOTE_ADDR": "127.0.0.1"})
        if body:
            made.body, made.content_type = orjson.dumps(body), "application/json"
        return made

    def create():
        n = next(counter)
        sku = f"COUNT-{run}-{n}"
        return request("/api/inventory/products", write, {
            "name": f"Bench product {sku}", "sku": sku, "barcode": str(7700000000000 + n), "unit": "bottle",
            "cost_price": "4.20", "sale_price": "9.90", "tax_rate": "23.00", "reorder_point": "5",
            "reorder_quantity": "12"})

    return {
        "health": lambda: request("/api/health"),
        "list_p1": lambda: request("/api/inventory/products", read),
        "list_p50": lambda: request("/api/inventory/products?ordering=-created_at&page=50", read),
        "detail": lambda: request(f"/api/inventory/products/{ids[next(counter) % len(ids)]}", read),
        "create": create,
    }[endpoint]


def child(args):
    """Build one app, warm it up, then serve ``args.requests`` requests (the part valgrind's count differs by)."""
    sys.path.insert(0, str(HERE))
    import anatomy

    fixture = anatomy.bench_fixture(args.env)
    if args.app == "platform":
        from pyramid.paster import get_app

        app = get_app(args.ini)
    else:
        app = anatomy.bare_app()
    next_request = requests_of(fixture, args.endpoint)
    batch = [next_request() for _ in range(WARM_UP + args.requests)]

    def start_response(status, headers, exc_info=None):
        if not status.startswith("2"):
            raise SystemExit(f"{args.app} {args.endpoint}: {status}")

    for request in batch[:WARM_UP + (args.requests if args.count else 0)]:
        b"".join(app(request.environ, start_response))


def instructions(args, app, endpoint, count):
    """User-space instructions of a child run (``count``: with the measured requests or not)."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, __file__, "--child", app, endpoint, "--requests", str(args.requests),
               "--ini", args.ini, "--env", args.env] + (["--count"] if count else [])
    with tempfile.TemporaryFile("w+") as output:
        done = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, text=True, env=CHILD_ENV)
        output.seek(0)
        text = output.read()
    found = re.search(r"I\s+refs:\s+([\d,]+)", text)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind run failed ({app} {endpoint}):\n{text[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_request(args, app, endpoint):
    """Instructions per request: the two child runs side by side (two cores), their difference."""
    baseline = subprocess.Popen([sys.executable, __file__, "--baseline", app, endpoint, "--requests",
                                 str(args.requests), "--ini", args.ini, "--env", args.env],
                                stdout=subprocess.PIPE, text=True)
    try:
        counted = instructions(args, app, endpoint, count=True)
    except BaseException:
        baseline.kill()
        baseline.wait()
        raise
    output = baseline.communicate()[0].strip()
    if baseline.returncode != 0 or not output:
        raise SystemExit(f"the baseline run of {app} {endpoint} failed")
    return (counted - int(output)) // args.requests


def hold_bench_lock():
    """The lock ``bench/run`` holds: this script's creates must not land in a load measurement."""
    lock = open(HERE / "results" / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit("a bench run holds bench/results/.lock; wait for it to finish") from None
    return lock


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", nargs="?", default="health,list_p1,detail,create")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--ini", default=str(HERE / "platform.ini"))
    parser.add_argument("--env", default=str(HERE / "results" / "env"))
    parser.add_argument("--child", nargs=2, metavar=("APP", "ENDPOINT"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", nargs=2, metavar=("APP", "ENDPOINT"), help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.app, args.endpoint = args.child
        return child(args)
    if args.baseline:
        print(instructions(args, *args.baseline, count=False))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    lock = hold_bench_lock()  # noqa: F841 (held until the process ends)
    for endpoint in args.endpoints.split(","):
        figures = {app: per_request(args, app, endpoint) for app in ("platform", "bare")}
        print(json.dumps({"bench": "instructions", "endpoint": endpoint, "requests": args.requests, **figures,
                          "ratio": round(figures["bare"] / figures["platform"], 3)}), flush=True)


if __name__ == "__main__":
    main()
