#!/usr/bin/env bash
# Whole-process timings of `comention tag` and `comention graph` at 1 and 2
# threads (and of several builds, to compare before/after), interleaved so
# that the load of a shared machine falls on every variant alike. Prints the
# median wall time, CPU time (user+sys) and peak RSS of each variant, then
# the ratios the performance goals are stated in.
#
#   benches/threads.sh CORPUS.jsonl RUNS BIN [BIN...]
#
# CORPUS: e.g. benches/corpus/repeat.py data/sample.jsonl 2000 /tmp/x2000.jsonl
# Extra arguments for every run (e.g. a gazetteer) go in $COMENTION_ARGS.
set -euo pipefail
corpus=$1 runs=$2
shift 2
bins=("$@")
out=$(mktemp -d)
# Compiled automata in a folder of this run, filled before timing: every
# timed run reads its automaton, as a user's runs after the first do.
export COMENTION_CACHE_DIR="$out/automata"
for b in "${bins[@]}"; do
    # shellcheck disable=SC2086
    echo '{"id": "w", "text": "warm-up"}' | "$b" tag ${COMENTION_ARGS:-} -q - -o /dev/null
done
# The corpus and the automata stay in the page cache while the runs go
# (see benches/corpus/resident.py).
shopt -s nullglob
python3 "$(dirname "$0")/corpus/resident.py" "$corpus" "$out"/automata/* 2>"$out/resident" &
resident=$!
trap 'kill $resident 2>/dev/null' EXIT
until [ -s "$out/resident" ]; do sleep 0.1; done
mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$corpus")
variants=()
for b in "${!bins[@]}"; do
    for cmd in tag graph; do
        for t in 1 2; do variants+=("$b:$cmd:$t"); done
    done
    # Two one-thread runs at once: how much two cores give when nothing
    # is shared but the machine (caches, memory, the host's other load).
    # Their throughput over one run's is the ceiling for 2 threads ÷ 1.
    variants+=("$b:tag:pair")
done
for ((r = 0; r < runs; r++)); do
    for v in "${variants[@]}"; do
        IFS=: read -r b cmd t <<<"$v"
        extra=()
        [ "$cmd" = tag ] && extra=(--format jsonl)
        threads=$t
        [ "$t" = pair ] && threads=1
        # shellcheck disable=SC2086
        run=("${bins[$b]}" "$cmd" ${COMENTION_ARGS:-} --threads "$threads" -q "${extra[@]}" "$corpus" -o /dev/null)
        if [ "$t" = pair ]; then
            start=$(date +%s%N)
            "${run[@]}" &
            other=$!
            "${run[@]}"
            wait "$other"
            echo "$(( ($(date +%s%N) - start) / 1000000 ))" >>"$out/$b-pair"
            continue
        fi
        /usr/bin/time -f '%e %U %S %M' -a -o "$out/$b-$cmd-$t" "${run[@]}"
    done
done
echo "corpus: $corpus ($mb MB), $runs interleaved runs, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" "$mb" "${bins[@]}" <<'PY'
import statistics, sys
out, mb, bins = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
med = {}
print(f"{'build':<40} {'cmd':<6} {'thr':>3} {'wall s':>7} {'MB/s':>6} {'cpu s':>6} {'RSS MB':>7}")
for b, path in enumerate(bins):
    for cmd in ("tag", "graph"):
        for t in (1, 2):
            rows = [list(map(float, l.split())) for l in open(f"{out}/{b}-{cmd}-{t}") if l[:1].isdigit()]
            wall = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] + r[2] for r in rows)
            rss = statistics.median(r[3] for r in rows) / 1024
            med[b, cmd, t] = wall
            print(f"{path[-40:]:<40} {cmd:<6} {t:>3} {wall:>7.2f} {mb / wall:>6.1f} {cpu:>6.2f} {rss:>7.0f}")
for b, path in enumerate(bins):
    pair = statistics.median(int(l) / 1000 for l in open(f"{out}/{b}-pair"))
    print(f"{path[-40:]:<40} {'tag':<6} {'1+1':>3} {pair:>7.2f} {2 * mb / pair:>6.1f}   (two 1-thread runs at once)")
    med[b, 'pair'] = pair
for b, path in enumerate(bins):
    ceiling = 2 * med[b, 'tag', 1] / med[b, 'pair']
    tag2 = med[b, 'tag', 1] / med[b, 'tag', 2]
    graph2 = med[b, 'graph', 1] / med[b, 'graph', 2]
    g1 = med[b, 'tag', 1] / med[b, 'graph', 1]
    g2 = med[b, 'tag', 2] / med[b, 'graph', 2]
    print(f"{path[-40:]}: 2 threads / 1: tag {tag2:.2f}x, graph {graph2:.2f}x; graph / tag throughput: {g1:.2f}x (1 thread), {g2:.2f}x (2 threads)")
    print(f"{path[-40:]}: two 1-thread runs at once / one: {ceiling:.2f}x (the machine's ceiling for 2 threads / 1); tag at 2 threads reaches {tag2 / ceiling:.0%} of it")
PY
