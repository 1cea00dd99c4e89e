#!/usr/bin/env python3
"""Measures Earshot's spike detector on the labelled tweet-volume series of data/volume.

Every figure comes from `earshot alerts backtest --series … --labels data/volume/labels.json --json`
(the live detector); this script only chooses settings and adds up counts.

1. Leave-one-series-out cross-validation: for each of the five series, the grid below is searched
   on the other four (full window recall first, then fewest false alerts per day, then the
   setting closest to the shipped default), and the chosen setting is scored on the fifth.
2. The shipped defaults (no overrides) on all five series: development figures, since the
   defaults were chosen on these same series.
3. The published detectors' figures from data/volume/README.md beside them.

Usage: scripts/eval-alerts.sh  (or: python3 scripts/eval-alerts.py PATH/TO/earshot)
"""
import concurrent.futures
import itertools
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "volume")
LABELS = os.path.join(DATA, "labels.json")

# The searched grid: every combination of these, each with the z-threshold sweep.
GRID = {
    "block-buckets": [1, 6, 12],
    "baseline-buckets": [12, 24],
    "cooldown-buckets": [72, 288],
    "linear-trend": [0, 1],
    "weekly-seasonality": [0, 1],
}
Z_SWEEP = "z-threshold=3:7:0.5"

# Published figures, quoted from data/volume/README.md (NAB's stored results, same metric).
REFERENCE = [
    ("ARTime", "16/16", "0.13", "45.9 %"),
    ("earthgeckoSkyline", "16/16", "0.21", "28.0 %"),
    ("randomCutForest", "16/16", "0.32", "39.0 %"),
    ("twitterADVec (Twitter's AnomalyDetection)", "15/16", "0.19", "43.3 %"),
    ("contextOSE", "13/16", "0.00", "93.3 %"),
    ("numenta (HTM)", "12/16", "0.06", "55.6 %"),
    ("trailing 12-bucket mean + 3.5 σ, cooldown 6", "16/16", "6.12", "10.8 %"),
]


def backtest(binary, series, settings, sweep=None):
    command = [binary, "alerts", "backtest", "--series", os.path.join(DATA, series),
               "--labels", LABELS, "--json"]
    for name, value in settings.items():
        command += ["--" + name, str(value)]
    if sweep:
        command += ["--sweep", sweep]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def add(scores):
    total = {"windows": 0, "windows_found": 0, "pages_inside": 0, "pages_outside": 0, "scored_days": 0.0}
    for score in scores:
        for key in total:
            total[key] += score[key]
    return total


def describe(score):
    pages = score["pages_inside"] + score["pages_outside"]
    precision = score["pages_inside"] / pages if pages else 1.0
    false_per_day = score["pages_outside"] / score["scored_days"] if score["scored_days"] else 0.0
    return "%d/%d" % (score["windows_found"], score["windows"]), "%.2f" % false_per_day, "%.1f %%" % (precision * 100)


def choose(results, training):
    """The setting with full recall on `training` and the fewest false alerts (ties: lowest z,
    then the first in grid order); without full recall, the highest recall."""
    def key(item):
        setting, per_series = item
        total = add(per_series[s] for s in training)
        missed = total["windows"] - total["windows_found"]
        return (missed, total["pages_outside"] / total["scored_days"], setting[-1][1])
    return min(results.items(), key=key)


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "earshot")
    with open(LABELS) as handle:
        series = sorted(json.load(handle))

    # results[setting][series] = score, setting = ((name, value), …, ("z-threshold", z))
    results = {}
    names = list(GRID)
    jobs = [(dict(zip(names, values)), name) for values in itertools.product(*(GRID[name] for name in names)) for name in series]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        reports = pool.map(lambda job: backtest(binary, job[1], job[0], Z_SWEEP), jobs)
        for (settings, name), report in zip(jobs, reports):
            for run in report["runs"]:
                setting = tuple(settings.items()) + (("z-threshold", run["value"]),)
                results.setdefault(setting, {})[name] = run["score"]
    print("Grid: %s, %s: %d settings.\n" % (", ".join("%s %s" % (n, GRID[n]) for n in names), Z_SWEEP, len(results)))

    print("Leave-one-series-out cross-validation (chosen on four series, scored on the fifth):\n")
    rows, held_out = [], []
    for name in series:
        training = [s for s in series if s != name]
        setting, per_series = choose(results, training)
        train = describe(add(per_series[s] for s in training))
        test = per_series[name]
        held_out.append(test)
        rows.append([name, ", ".join("%s %s" % pair for pair in setting), "%s, %s/day" % train[:2]] + list(describe(test)))
    total = describe(add(held_out))
    rows.append(["**all five held-out folds**", "", ""] + ["**%s**" % cell for cell in total])
    table(["held-out series", "setting chosen on the other four", "training recall, false/day", "recall", "false/day", "precision"], rows)

    print("\nShipped defaults on all five series (development figures: the defaults were chosen on them):\n")
    rows, scores = [], []
    for name in series:
        report = backtest(binary, name, {})
        scores.append(report["score"])
        rows.append([name] + list(describe(report["score"])) + [str(len(report["outages"]))])
    rows.append(["**Earshot defaults, all five (development)**"] + ["**%s**" % cell for cell in describe(add(scores))] + [""])
    table(["series", "recall", "false alerts/day", "precision", "outages flagged"], rows)

    print("\nPublished detectors on the same five series (data/volume/README.md):\n")
    table(["detector", "recall", "false alerts/day", "precision"], [list(row) for row in REFERENCE])


if __name__ == "__main__":
    main()
