"""The 挂牌督导 pages of bench_zones.py again, on the province its last full run left in bench/out, with CPU time.

For side-by-side comparisons of two checkouts on a shared, loaded machine: run it from each checkout in turn,
alternating, e.g. with main before issue 18 checked out at /tmp/before:

    cd /tmp/before && LABEL=before PYTHONPATH=$PWD python /path/to/this/bench/bench_zones_pages.py
    cd -           && LABEL=after  PYTHONPATH=$PWD python bench/bench_zones_pages.py

(each checkout first needs one full `bench/bench_zones.py` run to build its bench/out/bench_zones.sqlite3). Each
line: median wall ms and median CPU ms (`time.process_time`: SQLite runs in this process, so this is the whole
request's work and is not inflated by other processes' load) of 7 requests after one warm-up, and the queries.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.getcwd(), "bench"))  # the checkout's own bench_zones (its code, its data)
import bench_zones  # noqa: E402,F401 -- sets Django up on that checkout's bench/out/bench_zones.sqlite3
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PATHS = ["/zones/compliance/", "/zones/frequency/", "/zones/frequency/?show=all&page=50", "/zones/coverage/",
         "/zones/workload/"]


def main() -> None:
    label = os.environ.get("LABEL", "")
    for who, username in (("province admin", "bench"), ("county office", "bench-county")):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for path in PATHS:
            client.get(path)
            walls, cpus, queries = [], [], 0
            for _ in range(7):
                with CaptureQueriesContext(connection) as ctx:
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.get(path)
                    walls.append((time.perf_counter() - wall) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                queries = len(ctx)
            print(f"{label}\t{who}\t{path}\twall {statistics.median(walls):.0f} ms\tCPU {statistics.median(cpus):.0f} ms"
                  f"\t{queries} queries\tload {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
