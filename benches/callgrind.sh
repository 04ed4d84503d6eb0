#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) of the tag benchmarks, for
# comparisons that the noise of a shared machine cannot blur. Counts only the
# measured function (`tag_all`, `tag_rules_all`, `bare_all` or `bare_daac_all`), run twice per benchmark (the
# count check, then one iteration in divan's test mode).
#
#   benches/callgrind.sh [BENCH_NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cargo bench --bench tag --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["name"]=="tag" and m.get("executable"): print(m["executable"])')
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(bare_ascii_oneline bare_daac_ascii_oneline tag_ascii_oneline tag_rules_ascii_oneline bare_ascii_paragraphs bare_daac_ascii_paragraphs tag_ascii_paragraphs tag_rules_ascii_paragraphs tag_messy_unicode)
out=$(mktemp -d)
for name in "${names[@]}"; do
    case $name in tag_rules_*) fn=tag_rules_all ;; tag_*) fn=tag_all ;; bare_daac_*) fn=bare_daac_all ;; *) fn=bare_all ;; esac
    valgrind --tool=callgrind --callgrind-out-file="$out/$name" --toggle-collect="*::$fn" \
        "$bin" "$name" >/dev/null 2>"$out/$name.err"
    printf '%-24s %s instructions\n' "$name" "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$name.err")"
done
echo "profiles in $out (callgrind_annotate FILE)"
