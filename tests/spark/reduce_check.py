#!/usr/bin/env python3
"""Checks the Spark example's reduce functions without Spark: splits a
corpus into shards (some empty), runs `comention graph --save-state -` on
each as a Spark task would, reduces the records by key in shuffled order
with comention_spark.combine, and compares the sorted result with the state
of one run over the whole corpus. Also checks that states counted with
different options make the reduce fail.

    reduce_check.py COMENTION CORPUS.jsonl SHARDS [GRAPH OPTION…]
"""

import os
import random
import subprocess
import sys

sys.path.insert(
    0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "spark")
)
import comention_spark as cs


class Counter:
    """Stands in for a Spark accumulator."""

    def __init__(self):
        self.value = 0

    def add(self, n):
        self.value += n


def reduce_by_key(pairs):
    merged = {}
    for key, record in pairs:
        merged[key] = cs.combine(merged[key], record) if key in merged else record
    return merged


def main():
    binary, corpus, shards = sys.argv[1], sys.argv[2], int(sys.argv[3])
    options = sys.argv[4:]
    with open(corpus, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    rng = random.Random(8)
    parts = [[] for _ in range(shards)]
    for line in lines:
        # Round robin over the first shards only: the last two stay empty.
        parts[rng.randrange(max(1, shards - 2))].append(line)
    warned, skipped = Counter(), Counter()
    pairs = []
    command = [
        binary,
        "graph",
        "--save-state",
        "-",
        "--quiet",
        "--threads",
        "1",
        *options,
    ]
    for part in parts:
        state = cs.run_comention(iter(part), command, warned, skipped)
        pairs.extend(cs.keyed_records(state))
    rng.shuffle(pairs)
    merged = reduce_by_key(pairs)
    got = "".join(
        cs.to_line(merged[k]) + "\n" for k in sorted(merged, key=cs.file_order)
    )
    want = subprocess.run(
        [binary, "graph", "-q", "--save-state", "-", corpus] + options,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if got != want:
        sys.exit(f"reduce check {options}: the reduced state differs from one run's")
    print(
        f"reduce check {options}: {len(lines)} articles in {shards} shards "
        f"({sum(1 for p in parts if not p)} empty): state identical"
    )

    # Records of states counted with other options must not merge.
    other = subprocess.run(
        [binary, "graph", "-q", "--save-state", "-", "--no-adjectives"] + options,
        input="\n".join(parts[0]),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    headers = [r for k, r in cs.keyed_records(iter(other)) if k == ("header",)]
    try:
        cs.combine(merged[("header",)], headers[0])
    except ValueError as e:
        assert "differ between partitions" in str(e), e
    else:
        sys.exit("reduce check: differing headers were merged")


if __name__ == "__main__":
    main()
