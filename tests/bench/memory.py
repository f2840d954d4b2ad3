#!/usr/bin/env python3
"""Resident memory over a long run of large answers (issue 9, point 7): a benchmark, not a test.

Starts `dnevnik` on a fresh SQLite database with the demo school, then runs ROUNDS rounds of
REQUESTS requests, CONCURRENCY at a time, each asking for every mark of the school (a
multi-megabyte answer: the complexity limit is lifted for the run, the 4 MiB answer cap is
not). After each round it rests REST seconds and samples the server's resident memory. It
prints the samples and fails when memory does not come back down between bursts (at rest it
must be nearer the resident size before the load than the round's peak) or when it grows from
round to round (the last sample more than 30 % above the first).

    cargo build --release -p dnevnik-server
    python3 tests/bench/memory.py [--binary target/release/dnevnik] [--rounds 8]
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

QUERY = ("{ school(id: \"%s\") { classUnits { students { fullName marks(first: 100) "
         "{ nodes { value weight comment date subject { name } } } } } } }")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="target/release/dnevnik")
    parser.add_argument("--port", type=int, default=18095)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rest", type=float, default=12.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="dnevnik-memory-")
    env = dict(os.environ,
               DNEVNIK_DATABASE_URL=f"sqlite://{work}/bench.db?mode=rwc",
               DNEVNIK_LISTEN=f"127.0.0.1:{args.port}",
               DNEVNIK_LOG="warn",
               DNEVNIK_GRAPHQL_MAX_COMPLEXITY="100000000",
               DNEVNIK_GRAPHQL_HEAVY_CONCURRENCY=str(args.concurrency))
    server = subprocess.Popen([args.binary], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(f"{work}/server.log", "w"))
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(1)

        def graphql(query, token=None):
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = "Bearer " + token
            body = json.dumps({"query": query}).encode()
            request = urllib.request.Request(base + "/graphql", data=body, headers=headers)
            return urllib.request.urlopen(request, timeout=60).read()

        token = json.loads(graphql(
            'mutation { login(input: {login: "admin", password: "demo-admin"}) { token } }'
        ))["data"]["login"]["token"]
        school = base64.urlsafe_b64encode(b"School:1").decode().rstrip("=")
        query = QUERY % school
        size = len(graphql(query, token))
        time.sleep(args.rest)
        start = rss_kib(server.pid)
        print(f"answer size {size / 1e6:.1f} MB; resident at start {start / 1024:.0f} MiB")

        def worker(count):
            for _ in range(count):
                graphql(query, token)

        samples = []
        came_down = True
        for round_ in range(1, args.rounds + 1):
            threads = [threading.Thread(target=worker, args=(args.requests // args.concurrency,))
                       for _ in range(args.concurrency)]
            for thread in threads:
                thread.start()
            peak = 0
            while any(thread.is_alive() for thread in threads):
                peak = max(peak, rss_kib(server.pid))
                time.sleep(0.05)
            time.sleep(args.rest)
            rest = rss_kib(server.pid)
            samples.append(rest)
            print(f"round {round_}: peak {peak / 1024:.0f} MiB, after {args.rest:.0f} s at rest {rest / 1024:.0f} MiB")
            came_down = came_down and rest - start < peak - rest
        growth = samples[-1] / samples[0]
        print(f"last/first at rest: {growth:.2f}; came back down after every round: {came_down}")
        return 0 if came_down and growth <= 1.3 else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
