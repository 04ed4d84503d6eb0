#!/usr/bin/env bash
# The cost of the tagger's matching rules on plain ASCII text, as the ratio
# of `tag_rules_*` (the tagger without sentence numbers) to `bare_daac_*`
# (a bare daachorse scan over the same patterns with an ASCII word-boundary
# check) in `cargo bench --bench tag`. Each run times all four benchmarks
# in one process, one after the other, and its ratios are taken within the
# run; the medians over RUNS runs are printed, so that a shared machine's
# changing speed falls on both sides of each ratio alike.
#
#   benches/rules.sh [RUNS]     (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
bin=$(cargo bench --bench tag --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["name"]=="tag" and m.get("executable"): print(m["executable"])')
out=$(mktemp)
for ((r = 0; r < runs; r++)); do
    "$bin" --bench --sample-count 40 tag_rules_ascii bare_daac_ascii >>"$out" 2>/dev/null
done
python3 - "$out" <<'PY'
import re, statistics, sys
units = {"ns": 1e-3, "µs": 1, "us": 1, "ms": 1e3, "s": 1e6}
runs, current = [], {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"\W*(\w+)\s+[\d.]+ \S+\s+│\s+[\d.]+ \S+\s+│\s+([\d.]+) (\S+)", line)
    if not m:
        continue
    name, value, unit = m.group(1), float(m.group(2)), m.group(3)
    if name in current:
        runs.append(current)
        current = {}
    current[name] = value * units[unit]
runs.append(current)
for kind in ("oneline", "paragraphs"):
    ratios = [r[f"tag_rules_ascii_{kind}"] / r[f"bare_daac_ascii_{kind}"] for r in runs]
    shown = " ".join(f"{x:.3f}" for x in ratios)
    print(f"{kind:<11} tag_rules / bare_daac, median of {len(ratios)} runs: {statistics.median(ratios):.3f}  ({shown})")
PY
rm -f "$out"
