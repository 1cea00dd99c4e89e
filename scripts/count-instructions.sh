#!/usr/bin/env bash
# Instructions per text of one step of `earshot analyze`'s line work, counted by
# valgrind's callgrind (repeatable within about 50 per text, unlike timings on a shared machine).
#
# Usage: scripts/count-instructions.sh [STAGE]
#   STAGE: whole_line (default), language, sentiment, sentiment_with_emotions, emotions, entities, normalisation,
#   analysis_batched, analysis_one_by_one or json_line_as_string
#   (earshot-bench-sentiment --stage).
# Runs the step once and three times over both sentiment corpora and divides the
# difference by the texts of two passes, so start-up and table loading cancel out.
# Needs valgrind (Debian package `valgrind`) and the corpora (SENTIMENT_DATA).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGE="${1:-whole_line}"
DATA="${SENTIMENT_DATA:-$ROOT/data/sentiment}"
CORPORA=("$DATA/amazonReviewSnippets_GroundTruth.txt" "$DATA/movieReviewSnippets_GroundTruth.txt")
command -v valgrind >/dev/null || { echo "error: valgrind not found (apt-get install valgrind)" >&2; exit 1; }

swift build --package-path "$ROOT" -c release --product earshot-bench-sentiment >&2
BENCH="$(swift build --package-path "$ROOT" -c release --show-bin-path)/earshot-bench-sentiment"
OUTPUT="$(mktemp)"
trap 'rm -f "$OUTPUT"' EXIT

# Instructions of a run with $1 passes; the step's output goes to $OUTPUT. A failed run
# (an unknown step, missing corpora) shows its messages and stops the script.
count() {
    local log
    log="$(mktemp)"
    if ! valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BENCH" --stage "$STAGE" --repeat "$1" "${CORPORA[@]}" \
        >"$OUTPUT" 2>"$log"; then
        grep -v '^==' "$log" >&2
        rm -f "$log"
        exit 1
    fi
    sed -n 's/.*Collected : //p' "$log"
    rm -f "$log"
}
once=$(count 1)
thrice=$(count 3)
texts=$(sed -n 's/^stage checksum=.* texts=//p' "$OUTPUT")
echo "$STAGE instructions_per_text=$(( (thrice - once) / (2 * texts) )) texts=$texts"
