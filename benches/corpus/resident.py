"""Keeps files in the page cache while a benchmark runs.

    python3 resident.py FILE...   # holds them until killed

Some hosts reclaim cached file pages that no process has mapped: this
benchmark VM runs a DAMON "pageout" scheme for cold unmapped file pages,
which dropped ~10 MB of the 240 MB corpus from the cache every 20 s
between runs (`fincore`), so a timed run read part of its input from disk
(`perf sched` showed the reader and the workers waiting on kblockd).
Mapped pages are exempt, so this maps every file, reads one byte of each
page, and keeps the maps. `bench.py` and `threads.sh` run this.
"""

import mmap
import signal
import sys

PAGE = mmap.PAGESIZE


def hold(paths):
    """Maps and reads every page of each file in `paths` (empty files are
    skipped); the maps stay as long as the returned list lives."""
    maps = []
    for path in paths:
        with open(path, "rb") as f:
            try:
                m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # empty file
                continue
        touched = 0
        for offset in range(0, len(m), PAGE):
            touched ^= m[offset]
        maps.append(m)
    return maps


if __name__ == "__main__":
    held = hold(sys.argv[1:])
    print(f"resident: {len(held)} files held in the page cache", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pause()
