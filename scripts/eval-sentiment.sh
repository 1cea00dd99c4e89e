#!/usr/bin/env bash
# Accuracy of Earshot's English sentiment beside vaderSentiment 3.3.2 on every
# corpus of data/sentiment, and the cross-validation of its learned model on the
# development tweets (scripts/sentiment/sentiment_model.py evaluate).
#
# Usage: scripts/eval-sentiment.sh [--fit]
#   --fit  first refit the model on the development tweets and write its weights
#          to Sources/Analysis/Sentiment/Resources/sentiment_model.tsv (then rebuild
#          and evaluate with them).
# Environment:
#   SENTIMENT_DATA   corpus folder (default <repo>/data/sentiment)
#
# Creates a Python venv under <repo>/.build-bench/venv (ignored by git) with
# vaderSentiment==3.3.2 and numpy, and builds earshot-bench-sentiment with -c release.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${SENTIMENT_DATA:-$ROOT/data/sentiment}"
VENV="$ROOT/.build-bench/venv"
MODEL="$ROOT/Sources/Analysis/Sentiment/Resources/sentiment_model.tsv"
CORPORA=("$DATA/tweets_dev_GroundTruth.txt" "$DATA/amazonReviewSnippets_GroundTruth.txt"
         "$DATA/movieReviewSnippets_GroundTruth.txt")
FIT=0
case "${1-}" in
    --fit) FIT=1 ;;
    "") ;;
    *) echo "usage: scripts/eval-sentiment.sh [--fit]" >&2; exit 2 ;;
esac

for corpus in "${CORPORA[@]}"; do
    [[ -f "$corpus" ]] || { echo "error: corpus $corpus not found (set SENTIMENT_DATA)" >&2; exit 1; }
done
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "== creating $VENV" >&2
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import importlib.metadata as m, numpy; assert m.version("vaderSentiment") == "3.3.2"' 2>/dev/null; then
    echo "== installing vaderSentiment==3.3.2 and numpy" >&2
    "$VENV/bin/pip" install --quiet "vaderSentiment==3.3.2" numpy
fi

FEATURES="$(mktemp)"
trap 'rm -f "$FEATURES"' EXIT
extract_features() {
    echo "== building earshot-bench-sentiment (release)" >&2
    swift build --package-path "$ROOT" -c release --product earshot-bench-sentiment >&2
    "$(swift build --package-path "$ROOT" -c release --show-bin-path)/earshot-bench-sentiment" --features "${CORPORA[@]}" >"$FEATURES"
}
extract_features
if [[ "$FIT" == 1 ]]; then
    "$VENV/bin/python" "$ROOT/scripts/sentiment/sentiment_model.py" fit "$FEATURES" "$MODEL"
    extract_features
fi
"$VENV/bin/python" "$ROOT/scripts/sentiment/sentiment_model.py" evaluate "$FEATURES" "${CORPORA[@]}"
