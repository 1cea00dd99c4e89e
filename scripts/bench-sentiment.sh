#!/usr/bin/env bash
# Side-by-side accuracy and single-thread speed of Earshot's Sentiment module
# and vaderSentiment 3.3.2 on the same corpora, same machine, same run.
#
# Usage: scripts/bench-sentiment.sh [PASSES]
#   PASSES (default 10): timed passes of vaderSentiment over each corpus.
#   Earshot then keeps timing passes for as long as VADER's passes took on
#   average per corpus, so both sides get the same time to meet a quiet
#   moment; the fastest pass of each side is reported, which damps noise from
#   other processes on a shared machine.
# Environment:
#   SENTIMENT_DATA   corpus folder (default <repo>/data/sentiment)
#   SWIFT_PACKAGE    package that has the earshot-bench-sentiment product (default <repo>)
#   BENCH_CPU        CPU to pin both benchmarks to with taskset (default 0; empty: no pinning)
#
# Creates a Python venv under <repo>/.build-bench/venv (ignored by git) with
# vaderSentiment==3.3.2, builds earshot-bench-sentiment with -c release, and
# prints Pearson r, weighted F1 and texts/s for both, and the speed ratio; then times
# `earshot analyze` as a whole process (start-up included, stdin to stdout) on the same texts,
# against VADER's analysis loop and against VADER as a whole process (scripts/bench/vader_cli.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PASSES="${1:-10}"
DATA="${SENTIMENT_DATA:-$ROOT/data/sentiment}"
PACKAGE="${SWIFT_PACKAGE:-$ROOT}"
CPU="${BENCH_CPU-0}"
VENV="$ROOT/.build-bench/venv"
CORPORA=("$DATA/amazonReviewSnippets_GroundTruth.txt" "$DATA/movieReviewSnippets_GroundTruth.txt")

for corpus in "${CORPORA[@]}"; do
    if [[ ! -f "$corpus" ]]; then
        echo "error: corpus $corpus not found (set SENTIMENT_DATA)" >&2
        exit 1
    fi
done

PIN=()
if [[ -n "$CPU" ]] && command -v taskset >/dev/null; then
    PIN=(taskset -c "$CPU")
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "== creating $VENV" >&2
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import importlib.metadata as m; assert m.version("vaderSentiment") == "3.3.2"' 2>/dev/null; then
    echo "== installing vaderSentiment==3.3.2" >&2
    "$VENV/bin/pip" install --quiet "vaderSentiment==3.3.2"
fi

echo "== building earshot-bench-sentiment (release) in $PACKAGE" >&2
swift build --package-path "$PACKAGE" -c release --product earshot-bench-sentiment >&2
BENCH="$(swift build --package-path "$PACKAGE" -c release --show-bin-path)/earshot-bench-sentiment"

OUTPUT="$(mktemp)"
trap 'rm -f "$OUTPUT"' EXIT
echo "== timing vaderSentiment ($PASSES passes per corpus)" >&2
"${PIN[@]}" "$VENV/bin/python" "$ROOT/scripts/bench/vader_bench.py" --repeat "$PASSES" "${CORPORA[@]}" >>"$OUTPUT"
BUDGET="$(awk '$1 == "vader" { for (i = 3; i <= NF; i++) if ($i ~ /^seconds=/) { sub("seconds=", "", $i); total += $i; n++ } } END { printf "%.3f", n ? total / n : 0 }' "$OUTPUT")"
echo "== timing Earshot Sentiment (at least $PASSES passes and ${BUDGET}s per corpus)" >&2
"${PIN[@]}" "$BENCH" --repeat "$PASSES" --min-seconds "$BUDGET" "${CORPORA[@]}" >>"$OUTPUT"

echo
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), pinned: ${PIN[*]:-no}"
awk -f "$ROOT/scripts/bench/sentiment_report.awk" "$OUTPUT"

swift build --package-path "$PACKAGE" -c release --product earshot >&2
EARSHOT="$(swift build --package-path "$PACKAGE" -c release --show-bin-path)/earshot"

# The issue's measure: `earshot analyze` as a user runs it, the whole process (start-up and
# table loading included) reading the texts of both corpora from stdin and writing its JSON
# lines, fastest of PASSES runs, against VADER's analysis loop alone (its Python start-up and
# import not counted).
TEXTS="$(mktemp)"
trap 'rm -f "$OUTPUT" "$TEXTS"' EXIT
for corpus in "${CORPORA[@]}"; do cut -f3- "$corpus" | tr -d '\r'; done >"$TEXTS"
# The fastest of PASSES runs of a command reading $TEXTS on stdin, in seconds.
fastest_run() {
    local fastest="" start end
    for _ in $(seq "$PASSES"); do
        start=$(date +%s.%N)
        "${PIN[@]}" "$@" <"$TEXTS" >/dev/null
        end=$(date +%s.%N)
        fastest=$(awk -v best="$fastest" -v start="$start" -v end="$end" 'BEGIN { t = end - start; print (best == "" || t < best) ? t : best }')
    done
    echo "$fastest"
}
fastest=$(fastest_run "$EARSHOT" analyze)
# VADER the same way, as a user runs it on a stream (scripts/bench/vader_cli.py: Python's start-up
# and the import included): the symmetric reading of "side by side", printed beside the stricter one.
vader_whole=$(fastest_run "$VENV/bin/python" "$ROOT/scripts/bench/vader_cli.py")
echo
awk -v earshot="$fastest" -v vader="$vader_whole" 'BEGIN {
    printf "both as whole processes (stdin to stdout, fastest of the runs): earshot analyze %.3f s, vaderSentiment %.3f s: %.1fx\n",
        earshot, vader, vader / earshot
}'
awk -v seconds="$fastest" -v lines="$(wc -l <"$TEXTS")" '$1 == "vader" {
        for (i = 3; i <= NF; i++) { split($i, pair, "="); field[pair[1]] = pair[2] }
        texts += field["texts"]; vaderSeconds += field["texts"] / field["texts_per_s"]
    }
    END {
        printf "earshot analyze, whole process (stdin to stdout, fastest of the runs): %d lines in %.3f s, %.0f texts/s, %.1fx VADER (%.0f texts/s)\n",
            lines, seconds, lines / seconds, (lines / seconds) / (texts / vaderSeconds), texts / vaderSeconds
        if ((lines / seconds) < 20 * (texts / vaderSeconds)) print "WARNING: earshot analyze as a whole process less than 20x faster than VADER"
    }' "$OUTPUT"

echo
echo "== the enrich stage's whole analysis (language, sentiment, entities), 1 thread and all cores"
"$EARSHOT" bench analysis
