"""Times comention and its peers on the State of the Union corpus.

    python bench.py --cache DIR --comention BIN --rg BIN --copies N --runs R [--peers a,b]

Every command is a whole process, timed by wall clock, with its peak RSS
from wait4(). Runs are interleaved (run 1 of every tool, then run 2…), so
that the load of a shared machine falls on all tools alike; the table gives
the median of the runs. Prints a Markdown report on stdout.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

GAZETTEERS = ["small", "medium", "large"]
HERE = Path(__file__).resolve().parent


def run(cmd, stdout_to_pipe=False):
    """Runs `cmd`; returns (seconds, peak RSS in MB, output line count)."""
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
    return seconds, usage.ru_maxrss / 1024, lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--comention", required=True)
    ap.add_argument("--rg", required=True)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", default="rg,pyahocorasick,flashtext,spacy")
    ap.add_argument("--gazetteers", default=",".join(GAZETTEERS))
    args = ap.parse_args()
    data = args.cache / "data"
    big = data / (f"sotu-x{args.copies}.jsonl" if args.copies > 1 else "sotu.jsonl")
    one = data / "sotu.jsonl"
    python = sys.executable
    peers = set(args.peers.split(",")) if args.peers else set()
    gazetteers = args.gazetteers.split(",")

    def comention(gaz, corpus, threads):
        return [args.comention, "tag", "-g", str(data / f"{gaz}.csv"), "--threads", str(threads),
                "-q", "--format", "jsonl", str(corpus), "-o", "/dev/null"]

    def peer(mode, gaz, corpus):
        return [python, str(HERE / "peers.py"), mode, str(data / f"{gaz}.forms.txt"), str(corpus)]

    # (label, gazetteer, corpus, command, pipe stdout)
    jobs = []
    for gaz in gazetteers:
        jobs.append(("comention tag, 1 thread", gaz, big, comention(gaz, big, 1), False))
        jobs.append(("comention tag, 2 threads", gaz, big, comention(gaz, big, 2), False))
        if "rg" in peers:
            rg = [args.rg, "-F", "-w", "-o", "--regex-size-limit", "4G", "--dfa-size-limit", "4G", "-f", str(data / f"{gaz}.forms.txt"), str(big)]
            jobs.append(("ripgrep -F -w -o (smart-case list)", gaz, big, rg, True))
        if "pyahocorasick" in peers:
            jobs.append(("pyahocorasick", gaz, big, peer("pyahocorasick", gaz, big), False))
        if "flashtext" in peers:
            jobs.append(("FlashText (1x corpus)", gaz, one, peer("flashtext", gaz, one), False))
        if "spacy" in peers:
            jobs.append(("spaCy PhraseMatcher LOWER (1x corpus)", gaz, one, peer("spacy", gaz, one), False))
    # Streaming: the same medium run on the 1x corpus, for peak RSS.
    if big != one:
        jobs.append(("comention tag, 1 thread, 1x corpus", "medium", one, comention("medium", one, 1), False))

    results = {}
    for r in range(args.runs):
        for label, gaz, corpus, cmd, pipe in jobs:
            seconds, rss, lines = run(cmd, pipe)
            results.setdefault((label, gaz), []).append((seconds, rss, lines, corpus.stat().st_size))
            print(f"run {r + 1}: {label} / {gaz}: {seconds:.2f} s, {rss:.0f} MB", file=sys.stderr)

    def mbps(label, gaz):
        runs = results.get((label, gaz))
        if not runs:
            return None
        return runs[0][3] / 1e6 / statistics.median(s for s, *_ in runs)

    labels = list(dict.fromkeys(label for label, *_ in jobs if "1x corpus," not in label
                                and not label.endswith(", 1x corpus")))
    sizes = json.loads((data / "sizes.json").read_text())
    out = []
    out.append(f"Corpus: {big.name} ({big.stat().st_size / 1e6:.0f} MB; FlashText and spaCy: "
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
    base = "comention tag, 1 thread"
    out.append("Ratios (comention tag, 1 thread ÷ each, same run):\n")
    out.append("| vs | " + " | ".join(gazetteers) + " |")
    out.append("|---|" + "---:|" * len(gazetteers))
    for label in labels:
        if label == base:
            continue
        cells = []
        for gaz in gazetteers:
            a, b = mbps(base, gaz), mbps(label, gaz)
            cells.append("–" if not a or not b else f"{a / b:.2f}×")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    hits = {k: v[0][2] for k, v in results.items() if v[0][2]}
    if hits:
        out.append("\nripgrep hit lines: " + ", ".join(f"{g}: {n:,}" for (_, g), n in hits.items()))
    if big != one and (base, "medium") in results:
        r1 = max(m for _, m, *_ in results[("comention tag, 1 thread, 1x corpus", "medium")])
        r20 = max(m for _, m, *_ in results[(base, "medium")])
        out.append(f"\nPeak RSS, comention tag -g medium, 1 thread: {r1:.0f} MB on {one.name}, "
                   f"{r20:.0f} MB on {big.name}.")
    # Load time: a gazetteer loaded and compiled, then one tiny document.
    tiny = data / "tiny.jsonl"
    tiny.write_text('{"id": "t", "text": "Talks in Paris and Tokyo."}\n')
    out.append("\nGazetteer load (+ automaton build + one tiny document), 1 thread, "
               f"median of {args.runs}:\n")
    out.append("| gazetteer | aliases | smart-case forms | seconds | peak RSS MB |")
    out.append("|---|---:|---:|---:|---:|")
    for gaz in [*gazetteers, "million"]:
        runs = [run(comention(gaz, tiny, 1)) for _ in range(args.runs)]
        seconds = statistics.median(s for s, *_ in runs)
        rss = max(m for _, m, _ in runs)
        print(f"load {gaz}: {seconds:.2f} s, {rss:.0f} MB", file=sys.stderr)
        out.append(f"| {gaz} | {sizes[gaz]['aliases']:,} | {sizes[gaz]['forms']:,} | {seconds:.2f} | {rss:.0f} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
