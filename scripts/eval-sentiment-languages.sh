#!/usr/bin/env bash
# 3-class accuracy of Earshot's sentiment per language on the labelled posts of
# data/sentiment-languages (README there), measured through `earshot analyze` as a
# user runs it.
#
# Usage: scripts/eval-sentiment-languages.sh [tune|held-out|all|dev-2|held-out-2|dev-3|held-out-3]   (default: held-out)
#   first round (es, pt, fr, de: data/sentiment-languages/<lang>.tsv, 102 posts each):
#   tune        odd lines of each file (the half the first round's rules were tuned on)
#   held-out    even lines (not tuned on post by post, but measured more than once)
#   all         both halves
#   second round (es, de, it: data/sentiment-languages/round2/, 60 posts a file):
#   dev-2       round2/dev, the posts the second round's rules were developed on
#   held-out-2  round2/held-out, written before any measurement; measured once in round 2,
#               development data since
#   third round (es, pt, fr, de, it: data/sentiment-languages/round3/, 60 posts a file):
#   dev-3       round3/dev, the posts the third round's core lexicons were developed on
#   held-out-3  round3/held-out, written before any measurement, never tuned on
# Two rows per language:
#   hinted    posts given as Earshot JSON with the language as the source's hint ("lang")
#   detected  plain text lines, the language left to Earshot's identifier
# Environment: EARSHOT  the earshot binary (default: built with swift build -c release)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SET="${1:-held-out}"
case "$SET" in tune|held-out|all|dev-2|held-out-2|dev-3|held-out-3) ;; *) echo "usage: $0 [tune|held-out|all|dev-2|held-out-2|dev-3|held-out-3]" >&2; exit 2 ;; esac
if [[ -z "${EARSHOT:-}" ]]; then
    (cd "$ROOT" && swift build -c release --product earshot >&2)
    EARSHOT="$ROOT/.build/release/earshot"
fi

python3 - "$EARSHOT" "$SET" "$ROOT/data/sentiment-languages" <<'PY'
import json, pathlib, subprocess, sys

earshot, chosen, folder = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])

def posts(path):
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        label, _, text = line.partition("\t")
        if chosen not in ("tune", "held-out") or (chosen == "tune") == (number % 2 == 1):
            rows.append((label, text))
    return rows

def analyze(lines, jsonl):
    command = [earshot, "analyze"] + (["--jsonl"] if jsonl else [])
    out = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]

files = {"dev-2": folder / "round2" / "dev", "held-out-2": folder / "round2" / "held-out",
         "dev-3": folder / "round3" / "dev", "held-out-3": folder / "round3" / "held-out"}.get(chosen, folder)
print(f"set: {chosen}")
print(f"{'language':8} {'input':9} {'posts':>5} {'accuracy':>8} {'no score':>8}  models")
for path in sorted(files.glob("*.tsv")):
    language = path.stem
    rows = posts(path)
    for mode in ("hinted", "detected"):
        if mode == "hinted":
            results = analyze([json.dumps({"text": text, "lang": language}, ensure_ascii=False) for _, text in rows], True)
        else:
            results = analyze([text for _, text in rows], False)
        correct = sum(1 for (label, _), r in zip(rows, results)
                      if (r.get("sentiment") or {}).get("label", "neutral") == label)
        missing = sum(1 for r in results if r.get("sentiment") is None)
        models = {}
        for r in results:
            models[r.get("sentiment_model")] = models.get(r.get("sentiment_model"), 0) + 1
        shown = " ".join(f"{k}:{v}" for k, v in sorted(models.items(), key=lambda kv: -kv[1]))
        print(f"{language:8} {mode:9} {len(rows):5} {100 * correct / len(rows):7.1f}% {missing:8}  {shown}")
PY
