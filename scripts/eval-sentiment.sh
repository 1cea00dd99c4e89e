#!/usr/bin/env bash
# Accuracy of Earshot's English sentiment beside vaderSentiment 3.3.2 on every
# corpus of data/sentiment (scripts/sentiment/sentiment_model.py evaluate), and the
# cross-validation on the development tweets of what is fitted on them: the valences
# adapted to tweets and the learned model (scripts/sentiment/tweet_valences.py cv), then
# the model that also weighs the emotion model's probabilities
# (scripts/sentiment/emotion_features.py cv).
#
# Usage: scripts/eval-sentiment.sh [--fit] [--select] [--neutral-cues] [--sentiment-head]
#   --fit     first adapt the valences to the development tweets (the generated block
#             of Sources/Analysis/Sentiment/Resources/social_lexicon.tsv), refit both
#             models on them and write their weights to sentiment_model.tsv (then rebuild
#             and evaluate with them).
#   --select  cross-validate with gain and shrinkage chosen inside each split (nested,
#             one repeat; slow) instead of the shipped setting.
#   --neutral-cues  then also cross-validate text cues for gold-neutral tweets as additions
#             to the learned step (scripts/sentiment/neutral_cues.py; not shipped: no gain).
#   --sentiment-head  then also cross-validate a sentiment head trained on GoEmotions as
#             features (scripts/sentiment/sentiment_head.py, needs scikit-learn and scipy;
#             not shipped: no gain over the emotion probabilities).
# Environment:
#   SENTIMENT_DATA   corpus folder (default <repo>/data/sentiment)
#
# Creates a Python venv under <repo>/.build-bench/venv (ignored by git) with
# vaderSentiment==3.3.2 and numpy, and builds earshot-bench-sentiment with -c release.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${SENTIMENT_DATA:-$ROOT/data/sentiment}"
VENV="$ROOT/.build-bench/venv"
RESOURCES="$ROOT/Sources/Analysis/Sentiment/Resources"
MODEL="$RESOURCES/sentiment_model.tsv"
CORPORA=("$DATA/tweets_dev_GroundTruth.txt" "$DATA/amazonReviewSnippets_GroundTruth.txt"
         "$DATA/movieReviewSnippets_GroundTruth.txt")
FIT=0
NEUTRAL_CUES=0
SENTIMENT_HEAD=0
CV_OPTIONS=()
for argument in "$@"; do
    case "$argument" in
        --fit) FIT=1 ;;
        --select) CV_OPTIONS=(--repeats 1 --select 1:5,2:5,2:10,3:10) ;;
        --neutral-cues) NEUTRAL_CUES=1 ;;
        --sentiment-head) SENTIMENT_HEAD=1 ;;
        *) echo "usage: scripts/eval-sentiment.sh [--fit] [--select] [--neutral-cues] [--sentiment-head]" >&2; exit 2 ;;
    esac
done

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
if [[ "$SENTIMENT_HEAD" == 1 ]] && ! "$VENV/bin/python" -c 'import sklearn, scipy' 2>/dev/null; then
    echo "== installing scikit-learn==1.9.1 and scipy==1.17.1" >&2
    "$VENV/bin/pip" install --quiet "scikit-learn==1.9.1" "scipy==1.17.1"
fi

FEATURES="$(mktemp)"
trap 'rm -f "$FEATURES"' EXIT
BENCH="$(swift build --package-path "$ROOT" -c release --show-bin-path)/earshot-bench-sentiment"
build_bench() {
    echo "== building earshot-bench-sentiment and earshot-gen-tables (release)" >&2
    swift build --package-path "$ROOT" -c release --product earshot-bench-sentiment >&2
    swift build --package-path "$ROOT" -c release --product earshot-gen-tables >&2
}
extract_features() {
    build_bench
    "$BENCH" --features "${CORPORA[@]}" >"$FEATURES"
}
if [[ "$FIT" == 1 ]]; then
    build_bench
    "$VENV/bin/python" "$ROOT/scripts/sentiment/tweet_valences.py" write "$BENCH" "$RESOURCES" "${CORPORA[0]}"
    "$ROOT/scripts/gen-tables.sh"  # the analyser maps the compiled tables: compile the new valences
    extract_features
    "$VENV/bin/python" "$ROOT/scripts/sentiment/sentiment_model.py" fit "$FEATURES" "$MODEL"
    "$VENV/bin/python" "$ROOT/scripts/sentiment/emotion_features.py" fit "$FEATURES" "$MODEL"
    "$ROOT/scripts/gen-tables.sh"  # and the new weights
fi
extract_features
"$VENV/bin/python" "$ROOT/scripts/sentiment/sentiment_model.py" evaluate "$FEATURES" "${CORPORA[@]}"
echo
"$VENV/bin/python" "$ROOT/scripts/sentiment/tweet_valences.py" cv "$BENCH" "$RESOURCES" "${CORPORA[0]}" "${CV_OPTIONS[@]}"
echo
"$VENV/bin/python" "$ROOT/scripts/sentiment/emotion_features.py" cv "$BENCH" "$RESOURCES" "$FEATURES" "${CORPORA[0]}"
if [[ "$NEUTRAL_CUES" == 1 ]]; then
    echo
    "$VENV/bin/python" "$ROOT/scripts/sentiment/neutral_cues.py" "$BENCH" "$RESOURCES" "${CORPORA[0]}"
fi
if [[ "$SENTIMENT_HEAD" == 1 ]]; then
    echo
    "$VENV/bin/python" "$ROOT/scripts/sentiment/sentiment_head.py" "$FEATURES" "${CORPORA[0]}"
fi
