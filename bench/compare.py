"""Platform against bare, in-process and interleaved: a quick paired ratio while optimising.

    bash bench/run --quick --keep-db          (once: a seeded platform_bench)
    .venv/bin/python bench/compare.py [list_p1,detail,create] [--rounds 15] [--per 40]

The full bench takes ten minutes and its ratios drift ±10 % between runs on
a 2-core machine. This runs the same requests as ``bench/anatomy.py``
(WebTest, no server) against both apps in alternating rounds, and prints per
endpoint the median CPU milliseconds per request of each and the median of
the rounds' paired ratios; ``ratio_with_server`` adds ``--server-ms``
(default 0.42, waitress's CPU per request measured on this machine) to both
sides. Both are directions, not predictions: under load the ratios have come
out both above and below them (docs/performance.md); the load bench remains
the measurement of record. ``--bare-token-cache``: the bare app memoizes
token verification like the platform.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import webtest
from pyramid.paster import get_app

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import anatomy  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", nargs="?", default="health,list_p1,list_p50,detail,create")
    parser.add_argument("--ini", default=str(HERE / "platform.ini"))
    parser.add_argument("--env", default=str(HERE / "results" / "env"))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--per", type=int, default=40, help="requests per round")
    parser.add_argument("--server-ms", type=float, default=0.42)
    parser.add_argument("--bare-token-cache", action="store_true",
                        help="the bare app memoizes token verification as the platform does (bench/bare.py)")
    args = parser.parse_args()
    fixture = anatomy.bench_fixture(args.env)
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    apps = {
        "platform": webtest.TestApp(get_app(args.ini), extra_environ=environ),
        "bare": webtest.TestApp(anatomy.bare_app(args.bare_token_cache), extra_environ=environ),
    }
    calls = anatomy.endpoints(fixture)
    print("endpoint   platform_cpu_ms  bare_cpu_ms  ratio_in_process  ratio_with_server")
    for name in args.endpoints.split(","):
        call = calls[name]
        for app in apps.values():
            for _ in range(30):
                call(app)
        rounds = {"platform": [], "bare": []}
        for number in range(args.rounds):
            order = ("platform", "bare") if number % 2 == 0 else ("bare", "platform")
            for target in order:
                started = time.process_time()
                for _ in range(args.per):
                    call(apps[target])
                rounds[target].append((time.process_time() - started) / args.per * 1000)
        platform, bare_ms = statistics.median(rounds["platform"]), statistics.median(rounds["bare"])
        paired = statistics.median([(b + args.server_ms) / (p + args.server_ms)
                                    for p, b in zip(rounds["platform"], rounds["bare"])])
        print(f"{name:10s} {platform:15.2f}  {bare_ms:11.2f}  {bare_ms / platform:16.2f}  {paired:17.2f}")


if __name__ == "__main__":
    main()
