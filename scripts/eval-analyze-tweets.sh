#!/usr/bin/env bash
# The development tweets through `earshot analyze` as a user runs it (language
# identification and the sentiment gate included): Pearson r and weighted 3-class F1
# of the compound score against the human mean rating (a text without sentiment
# counts as 0; gold neutral band ±0.2 of the -4..4 mean, score band ±0.05), the share
# of tweets that come out `en` with a sentiment, and the sentiment models used.
# In-sample for the sentiment model's weights and the language ID tuning, which were
# fitted on these tweets: scripts/eval-sentiment.sh gives the cross-validated figures.
# Other corpora of the same format (id, mean rating, text) may be given instead, such as
# the review snippets in data/sentiment, which played no part in any fitting.
#   scripts/eval-analyze-tweets.sh [CORPUS ...]      (EARSHOT=path/to/earshot to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${EARSHOT:-}" ]]; then
    swift build --product earshot >&2
    EARSHOT=.build/debug/earshot
fi
corpora=("$@")
[[ ${#corpora[@]} -gt 0 ]] || corpora=(data/sentiment/tweets_dev_GroundTruth.txt)
for corpus in "${corpora[@]}"; do
cut -f3- "$corpus" | tr -d '\r' | "$EARSHOT" analyze | python3 -c '
import collections, json, statistics, sys
gold = [float(line.split("\t")[1]) for line in open(sys.argv[1], encoding="utf-8", errors="replace") if line.strip()]
out = [json.loads(line) for line in sys.stdin if line.strip()]
assert len(out) == len(gold), f"{len(out)} output lines for {len(gold)} texts"
compound = [(o.get("sentiment") or {}).get("compound", 0.0) for o in out]
def label(value, band): return 1 if value > band else (-1 if value < -band else 0)
g = [label(x, 0.2) for x in gold]; p = [label(x, 0.05) for x in compound]
f1 = 0.0
for c in (-1, 0, 1):
    tp = sum(a == c and b == c for a, b in zip(g, p)); fp = sum(a != c and b == c for a, b in zip(g, p))
    fn = sum(a == c and b != c for a, b in zip(g, p))
    precision = tp / (tp + fp) if tp + fp else 0; recall = tp / (tp + fn) if tp + fn else 0
    f1 += (2 * precision * recall / (precision + recall) if precision + recall else 0) * g.count(c) / len(g)
english = sum(o.get("lang") == "en" and isinstance(o.get("sentiment"), dict) for o in out)
models = collections.Counter(str(o.get("sentiment_model")) for o in out)
print(f"{sys.argv[2]} {len(out)}  r {statistics.correlation(gold, compound):.4f}  weighted F1 {f1:.4f}  "
      f"en with a sentiment {english / len(out):.1%}")
print("sentiment models: " + ", ".join(f"{m} {n}" for m, n in models.most_common()))
' "$corpus" "$(basename "$corpus" _GroundTruth.txt)"
done
