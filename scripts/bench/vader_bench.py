#!/usr/bin/env python3
"""Times vaderSentiment on the sentiment corpora and prints its accuracy.

Usage: vader_bench.py CORPUS_FILE... [--repeat N]

For every corpus file (id<TAB>mean<TAB>text, CRLF) prints one line:
    vader <name> texts=<n> r=<pearson> f1=<weighted F1> texts_per_s=<rate> seconds=<time>
The metrics use the same definitions as the Swift benchmark
(Sources/Analysis/Sentiment/SentimentEvaluation.swift): Pearson r between
the compound score and the human mean; 3-class weighted F1 with the gold
label neutral when |mean| <= 0.2 and the predicted label neutral when
|compound| < 0.05 (VADER's usual thresholds).
Timing is single-threaded wall time of the fastest of N passes over each
corpus (robust against other processes sharing the machine); seconds is the
total time spent in those passes.
"""
import math
import os
import sys
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

GOLD_NEUTRAL_BAND = 0.2
SCORE_NEUTRAL_BAND = 0.05


def load_corpus(path):
    means, texts = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split("\t", 2)
            if len(fields) != 3:
                raise SystemExit(f"{path}: malformed line {line[:60]!r}")
            means.append(float(fields[1]))
            texts.append(fields[2])
    return means, texts


def gold_label(mean):
    if mean > GOLD_NEUTRAL_BAND:
        return 1
    if mean < -GOLD_NEUTRAL_BAND:
        return -1
    return 0


def predicted_label(compound):
    if compound >= SCORE_NEUTRAL_BAND:
        return 1
    if compound <= -SCORE_NEUTRAL_BAND:
        return -1
    return 0


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def weighted_f1(gold, predicted):
    total = 0.0
    for cls in (-1, 0, 1):
        tp = sum(1 for g, p in zip(gold, predicted) if g == cls and p == cls)
        fp = sum(1 for g, p in zip(gold, predicted) if g != cls and p == cls)
        fn = sum(1 for g, p in zip(gold, predicted) if g == cls and p != cls)
        support = tp + fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total += f1 * support
    return total / len(gold)


def main(argv):
    repeat = 1
    paths = []
    args = iter(argv)
    for arg in args:
        if arg == "--repeat":
            repeat = int(next(args))
        else:
            paths.append(arg)
    analyzer = SentimentIntensityAnalyzer()
    for path in paths:
        means, texts = load_corpus(path)
        compounds = [analyzer.polarity_scores(t)["compound"] for t in texts]
        fastest = float("inf")
        measuring = 0.0
        for _ in range(repeat):
            start = time.perf_counter()
            for text in texts:
                analyzer.polarity_scores(text)
            elapsed = time.perf_counter() - start
            fastest = min(fastest, elapsed)
            measuring += elapsed
        gold = [gold_label(m) for m in means]
        predicted = [predicted_label(c) for c in compounds]
        name = os.path.basename(path).split("ReviewSnippets")[0]
        print(f"vader {name} texts={len(texts)} r={pearson(means, compounds):.4f} "
              f"f1={weighted_f1(gold, predicted):.4f} "
              f"texts_per_s={len(texts) / fastest:.0f} seconds={measuring:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
