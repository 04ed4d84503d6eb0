#!/usr/bin/env bash
# The Spark example gives byte for byte the network of one comention run.
#
# Installs pyspark into a virtual environment under the cargo target folder
# (cached between runs), builds the release binary, writes a corpus of a few
# hundred articles, runs examples/spark/comention_spark.py in Spark local
# mode (2 workers, several partitions) and compares its GraphML, GEXF with
# monthly slices, CSV (both files) and merged states with one-machine
# `comention graph` runs over the same corpus. Exits 1 on any difference,
# printing a diff. Needs python3 (with venv) and Java 17+.
#
#   tests/spark/run.sh                     # from the repository root
#   COMENTION=target/debug/comention tests/spark/run.sh   # no release build
set -euo pipefail
cd "$(dirname "$0")/../.."

target="$(readlink -m "${CARGO_TARGET_DIR:-target}")"
venv="$target/spark-venv"
work="$target/spark-test"
pyspark_version="4.3.0"

say() { printf 'spark test: %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi
java -version 2>&1 | head -1

if ! "$venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
  say "installing pyspark $pyspark_version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pyspark==$pyspark_version"
fi
"$venv/bin/python" -c "import pyspark; print('pyspark', pyspark.__version__)"
# spark-submit finds Spark and starts its Python workers with the `python`
# on PATH: the venv's.
export PATH="$venv/bin:$PATH" PYSPARK_PYTHON="$venv/bin/python"

if [ -z "${COMENTION:-}" ]; then
  cargo build --release --quiet --bin comention
  COMENTION="$target/release/comention"
fi
COMENTION="$(readlink -f "$COMENTION")"

rm -rf "$work"
mkdir -p "$work/one" "$work/spark"
"$venv/bin/python" tests/spark/make_corpus.py data/sample.jsonl 10 >"$work/corpus.jsonl"
say "corpus: $(wc -l <"$work/corpus.jsonl") articles"

# The two configurations: the plain network (GraphML and CSV, evidence long
# enough to hold the non-ASCII ids and still be cut on busy edges) and the
# time-sliced one (GEXF).
plain=(--evidence 40)
sliced=(--slice month --scope paragraph)

# The reduce rules alone, without Spark: many shards, two of them empty,
# records in shuffled order.
"$venv/bin/python" tests/spark/reduce_check.py "$COMENTION" "$work/corpus.jsonl" 12 "${plain[@]}"
"$venv/bin/python" tests/spark/reduce_check.py "$COMENTION" "$work/corpus.jsonl" 9 "${sliced[@]}"

start=$(now)
"$COMENTION" graph -q "$work/corpus.jsonl" "${plain[@]}" \
  --save-state "$work/one/plain.state.jsonl" -o "$work/one/net.graphml"
one_plain=$(elapsed "$start" "$(now)")
"$COMENTION" graph -q "$work/corpus.jsonl" "${plain[@]}" -o "$work/one/net.csv"
start=$(now)
"$COMENTION" graph -q "$work/corpus.jsonl" "${sliced[@]}" \
  --save-state "$work/one/sliced.state.jsonl" -o "$work/one/net.gexf"
one_sliced=$(elapsed "$start" "$(now)")

spark() {
  (cd "$work" && "$venv/bin/spark-submit" --master 'local[2]' --files "$COMENTION" \
    "$OLDPWD/examples/spark/comention_spark.py" corpus.jsonl \
    --comention "$(basename "$COMENTION")" "$@") \
    >>"$work/spark.log" 2>&1 || {
    say "the Spark run failed; its log:"
    cat "$work/spark.log"
    exit 1
  }
  grep '^comention-spark:' "$work/spark.log" | tail -1
}

start=$(now)
spark --partitions 4 --graph-args="${plain[*]}" \
  --state spark/plain.state.jsonl -o spark/net.graphml -o spark/net.csv
spark_plain=$(elapsed "$start" "$(now)")
start=$(now)
spark --partitions 5 --graph-args="${sliced[*]}" \
  --state spark/sliced.state.jsonl -o spark/net.gexf
spark_sliced=$(elapsed "$start" "$(now)")

status=0
for f in net.graphml net.nodes.csv net.edges.csv net.gexf plain.state.jsonl sliced.state.jsonl; do
  if cmp -s "$work/one/$f" "$work/spark/$f"; then
    say "$f: identical ($(wc -c <"$work/one/$f") bytes)"
  else
    say "$f: DIFFERS"
    diff -u "$work/one/$f" "$work/spark/$f" | head -40 || true
    status=1
  fi
done
say "plain network (GraphML): one machine ${one_plain} s, Spark local[2] in 4 partitions ${spark_plain} s (+ CSV)"
say "monthly slices (GEXF):   one machine ${one_sliced} s, Spark local[2] in 5 partitions ${spark_sliced} s"
exit $status
