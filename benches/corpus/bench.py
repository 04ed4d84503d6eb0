"""Times comention and its peers on the State of the Union corpus.

    python bench.py --cache DIR --comention BIN --rg BIN [--bare BIN] --copies N --runs R
                    [--peers a,b] [--gazetteers a,b]

Every command is a whole process, timed by wall clock, with its peak RSS
from wait4(). Runs are interleaved (run 1 of every tool, then run 2…), so
that the load of a shared machine falls on all tools alike; the table gives
the median of the runs. Prints a Markdown report on stdout.

The `bare` peer (BIN: the `bare` bench of benches/bare.rs, which run.sh
builds) scans the raw JSONL bytes with a bare automaton over the smart-case
list: the floor under comention's cost, whose ratio to `comention tag` the
performance goal is stated in. FlashText and spaCy run on the 1x corpus
(they are slow), so comention also runs on it, and their ratios are given
both ways: comention on the big corpus ÷ the peer on 1x, and both on 1x.
"""

import argparse
import atexit
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

GAZETTEERS = ["small", "medium", "large"]
HERE = Path(__file__).resolve().parent


def run(cmd, stdout_to_pipe=False):
    """Runs `cmd`; returns (seconds, peak RSS in MB, output line count, the
    N of an `…: N hits` line on stderr or None)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE if stdout_to_pipe else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines = 0
    if stdout_to_pipe:
        # Drain it: ripgrep stops at the first hit when stdout is /dev/null.
        while chunk := proc.stdout.read(1 << 20):
            lines += chunk.count(b"\n")
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{stderr.decode()}")
    hits = re.search(rb": (\d+) hits$", stderr.strip())
    return seconds, usage.ru_maxrss / 1024, lines, hits and int(hits[1])


def run_pair(cmd):
    """Runs two copies of `cmd` at once; returns (seconds until both are
    done, the larger peak RSS in MB, 0, None). Two processes that share
    nothing but the machine: their throughput over one run's is what two
    cores give at most, the ceiling for 2 threads ÷ 1 on this machine now."""
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(2)]
    rss = 0
    for proc in procs:
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(map(str, cmd))}\n{stderr.decode()}")
        rss = max(rss, usage.ru_maxrss / 1024)
    return time.perf_counter() - start, rss, 0, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--comention", required=True)
    ap.add_argument("--rg", required=True)
    ap.add_argument("--bare", help="the bare-scan binary (benches/bare.rs); needed by the bare peer")
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", default="rg,bare,pyahocorasick,flashtext,spacy")
    ap.add_argument("--gazetteers", default=",".join(GAZETTEERS))
    args = ap.parse_args()
    data = args.cache / "data"
    big = data / (f"sotu-x{args.copies}.jsonl" if args.copies > 1 else "sotu.jsonl")
    one = data / "sotu.jsonl"
    python = sys.executable
    peers = set(args.peers.split(",")) if args.peers else set()
    gazetteers = args.gazetteers.split(",")
    if "bare" in peers and not args.bare:
        sys.exit("error: the bare peer needs --bare BIN (run.sh builds it)")

    def comention(gaz, corpus, threads):
        return [args.comention, "tag", "-g", str(data / f"{gaz}.csv"), "--threads", str(threads),
                "-q", "--format", "jsonl", str(corpus), "-o", "/dev/null"]

    def peer(mode, gaz, corpus):
        return [python, str(HERE / "peers.py"), mode, str(data / f"{gaz}.forms.txt"), str(corpus)]

    def bare(mode, gaz):
        if mode == "daachorse-restart-upper":
            return [args.bare, "daachorse-restart", str(data / f"{gaz}.upper-forms.txt"), str(big)]
        return [args.bare, mode, str(data / f"{gaz}.forms.txt"), str(big)]

    base = "comention tag, 1 thread"
    base_one = "comention tag, 1 thread, 1x corpus"
    two = "comention tag, 2 threads"
    # Throughput of both together: 2 × the corpus over the time both took.
    pair = "comention tag, two 1-thread runs at once (both together)"
    rg_label = "ripgrep -F -w -o (smart-case list)"
    bare_what = "(smart case, ASCII word boundary, no output)"
    # (label, bare MODE); the DFA's memory explodes on the large gazetteer.
    # One daachorse iterator over the file, as asked; and one search per hit,
    # as the tagger searches, which keeps daachorse's prefilter on (its gate
    # shuts for the rest of an iterator once skips stop paying off).
    bare_scans = [(f"bare daachorse scan {bare_what}", "daachorse"),
                  (f"bare daachorse scan, one search per hit {bare_what}", "daachorse-restart"),
                  # The tagger searches the few forms that start with a
                  # lower-case letter apart (they stop daachorse's prefilter
                  # at every `t` and `a`); without them the bare scan is
                  # faster, and misses their hits: a floor, not a peer.
                  (f"bare daachorse scan, one search per hit, no lower-case-initial forms {bare_what}",
                   "daachorse-restart-upper"),
                  (f"bare aho-corasick DFA scan {bare_what}", "aho-corasick-dfa")]
    slow_peers = [("flashtext", "FlashText (1x corpus)", "≥ 20×"),
                  ("spacy", "spaCy PhraseMatcher LOWER (1x corpus)", "≥ 100×")]
    # (label, gazetteer, corpus, command, pipe stdout)
    jobs = []
    for gaz in gazetteers:
        jobs.append((base, gaz, big, comention(gaz, big, 1), False))
        jobs.append((two, gaz, big, comention(gaz, big, 2), False))
        jobs.append((pair, gaz, big, comention(gaz, big, 1), "pair"))
        # For the ratios to the 1x-corpus peers at equal size, and streaming
        # (peak RSS on 1x against the big corpus).
        if big != one:
            jobs.append((base_one, gaz, one, comention(gaz, one, 1), False))
        if "bare" in peers:
            for label, mode in bare_scans:
                if mode != "aho-corasick-dfa" or gaz in ("small", "medium"):
                    jobs.append((label, gaz, big, bare(mode, gaz), False))
        if "rg" in peers:
            rg = [args.rg, "-F", "-w", "-o", "--regex-size-limit", "4G", "--dfa-size-limit", "4G", "-f", str(data / f"{gaz}.forms.txt"), str(big)]
            jobs.append((rg_label, gaz, big, rg, True))
        if "pyahocorasick" in peers:
            jobs.append(("pyahocorasick", gaz, big, peer("pyahocorasick", gaz, big), False))
        for name, label, _ in slow_peers:
            if name in peers:
                jobs.append((label, gaz, one, peer(name, gaz, one), False))

    # The compiled-automaton cache (COMENTION_CACHE_DIR, which run.sh points
    # into .bench-cache): filled before timing, so every timed run reads
    # the automaton the way a user's second and later runs do. The load
    # table below times both ways.
    tiny = data / "tiny.jsonl"
    tiny.write_text('{"id": "t", "text": "Talks in Paris and Tokyo."}\n')
    for gaz in [*gazetteers, "million"]:
        run(comention(gaz, tiny, 1))
    # Every input, gazetteer, form list and cache file stays in the page
    # cache (see resident.py): no timed run reads from disk. In a process
    # of its own: maps held here would count in each child's peak RSS
    # (a forked child starts with them, until it runs its program).
    files = [p for p in data.iterdir() if p.is_file()]
    automata = os.environ.get("COMENTION_CACHE_DIR")
    if automata and Path(automata).is_dir():
        files += [p for p in Path(automata).iterdir() if p.is_file()]
    resident = subprocess.Popen([python, str(HERE / "resident.py"), *map(str, files)],
                                stderr=subprocess.PIPE)
    atexit.register(resident.terminate)
    resident.stderr.readline()  # written once every file is held

    results = {}
    for r in range(args.runs):
        for label, gaz, corpus, cmd, pipe in jobs:
            if pipe == "pair":
                seconds, rss, lines, hits = run_pair(cmd)
                size = 2 * corpus.stat().st_size
            else:
                seconds, rss, lines, hits = run(cmd, pipe)
                size = corpus.stat().st_size
            results.setdefault((label, gaz), []).append((seconds, rss, lines, size, hits))
            print(f"run {r + 1}: {label} / {gaz}: {seconds:.2f} s, {rss:.0f} MB", file=sys.stderr)

    def mbps(label, gaz):
        runs = results.get((label, gaz))
        if not runs:
            return None
        return runs[0][3] / 1e6 / statistics.median(s for s, *_ in runs)

    labels = list(dict.fromkeys(label for label, *_ in jobs))
    sizes = json.loads((data / "sizes.json").read_text())
    out = []
    out.append(f"Corpus: {big.name} ({big.stat().st_size / 1e6:.0f} MB; rows marked 1x corpus: "
               f"{one.name}, {one.stat().st_size / 1e6:.1f} MB). Medians of {args.runs} interleaved runs, "
               "whole processes, MB/s of JSONL input (peak RSS in MB).\n")
    out.append("| tool | " + " | ".join(f"{g} ({sizes[g]['aliases']:,} aliases)" for g in gazetteers) + " |")
    out.append("|---|" + "---:|" * len(gazetteers))
    for label in labels:
        cells = []
        for gaz in gazetteers:
            v = mbps(label, gaz)
            rss = max((m for _, m, *_ in results.get((label, gaz), [])), default=0)
            cells.append("–" if v is None else f"{v:.1f} ({rss:.0f})")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")

    def ratio_table(title, rows):
        """rows: (row label, numerator job label, denominator job label); each
        cell is the numerator's MB/s over the denominator's, per gazetteer."""
        out.append(title + "\n")
        out.append("| vs | " + " | ".join(gazetteers) + " |")
        out.append("|---|" + "---:|" * len(gazetteers))
        for label, num, den in rows:
            cells = []
            for gaz in gazetteers:
                a, b = mbps(num, gaz), mbps(den, gaz)
                cells.append("–" if not a or not b else f"{a / b:.2f}×")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")

    slow = {label: goal for _, label, goal in slow_peers}
    bare_labels = [label for label, _ in bare_scans if label in labels]
    skip = {base, base_one, two, pair, *slow, *bare_labels}
    rows = [(label, base, label) for label in labels if label not in skip]
    for label, goal in slow.items():
        if label not in labels:
            continue
        if big != one:
            rows.append((f"{label}: comention on {big.name} ÷ peer on {one.name} (goal {goal})", base, label))
            rows.append((f"{label}: both on {one.name} (goal {goal})", base_one, label))
        else:
            rows.append((f"{label}: both on {one.name} (goal {goal})", base, label))
    ratio_table("Ratios (comention tag, 1 thread ÷ each, same run, MB/s over MB/s):", rows)
    # The 2-thread goal (≥ 1.8×) against what the machine gave two
    # processes that share nothing, in the same run.
    ratio_table("Two threads (goal ≥ 1.8×), same run, MB/s over MB/s:",
                [("comention tag, 2 threads ÷ 1 thread", two, base),
                 ("ceiling: two 1-thread runs at once ÷ one run", pair, base),
                 ("2 threads ÷ the ceiling", two, pair)])
    if bare_labels:
        ratio_table(f"comention tag ÷ bare scan (goal ≥ 0.70): comention tag, 1 thread ÷ each, "
                    f"same run, both on {big.name}:", [(label, base, label) for label in bare_labels])
    # Hit counts (first run): ripgrep prints a line per hit; the bare scans count them.
    counted = [(rg_label, "ripgrep -F -w -o (output lines)", 2)]
    counted += [(label, label.split(" (")[0], 4) for label in bare_labels]
    counted = [c for c in counted if any((c[0], g) in results for g in gazetteers)]
    if counted:
        out.append(f"Hits on {big.name}, first run (the same patterns; ripgrep's -w is Unicode-aware "
                   "and tries shorter patterns where the longest fails a boundary, so the counts "
                   "differ a little):\n")
        out.append("| hits | " + " | ".join(gazetteers) + " |")
        out.append("|---|" + "---:|" * len(gazetteers))
        for label, name, field in counted:
            cells = []
            for gaz in gazetteers:
                n = results.get((label, gaz), [[None] * 5])[0][field]
                cells.append("–" if n is None else f"{n:,}")
            out.append(f"| {name} | " + " | ".join(cells) + " |")
    if big != one:
        for gaz in gazetteers:
            r1 = max(m for _, m, *_ in results[(base_one, gaz)])
            r20 = max(m for _, m, *_ in results[(base, gaz)])
            out.append(f"\nPeak RSS, comention tag -g {gaz}, 1 thread: {r1:.0f} MB on {one.name}, "
                       f"{r20:.0f} MB on {big.name}.")
    # Load time: a gazetteer loaded and its automaton built (--no-cache) or
    # read from the cache, then one tiny document; interleaved.
    out.append("\nGazetteer load (+ automaton built or read from the cache + one tiny "
               f"document), 1 thread, median of {args.runs}:\n")
    out.append("| gazetteer | aliases | smart-case forms | built: seconds | peak RSS MB "
               "| cached: seconds | peak RSS MB |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for gaz in [*gazetteers, "million"]:
        built, cached = [], []
        for _ in range(args.runs):
            built.append(run(comention(gaz, tiny, 1) + ["--no-cache"]))
            cached.append(run(comention(gaz, tiny, 1)))
        cells = []
        for runs in (built, cached):
            seconds = statistics.median(s for s, *_ in runs)
            rss = max(m for _, m, *_ in runs)
            cells += [f"{seconds:.2f}", f"{rss:.0f}"]
        print(f"load {gaz}: {' '.join(cells)}", file=sys.stderr)
        out.append(f"| {gaz} | {sizes[gaz]['aliases']:,} | {sizes[gaz]['forms']:,} | "
                   + " | ".join(cells) + " |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
