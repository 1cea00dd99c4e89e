#!/usr/bin/env python3
"""Cross-validates cues for gold-neutral tweets as additions to the learned step (issue #12).

Usage:
    neutral_cues.py BENCH RESOURCES TWEETS

BENCH is the earshot-bench-sentiment executable, RESOURCES the Sentiment module's source
resources, TWEETS the development tweets (as tweet_valences.py takes them).

The weighted 3-class F1 on tweets is held back by gold-neutral tweets that carry sentiment
words (news headlines, promotions, questions, replies) and get a polar score. This script
measures, in the 5 x 10-fold cross-validation of sentiment_model.py (same seed and folds), two
ways of letting text cues pull such tweets towards neutral, on the analyser's features without
the valences adapted to tweets (they are fitted on the tweets, so they would leak into the
held-out folds) and with every weight fitted on the nine training folds only:

1. interactions: the normalised sum times a cue, as extra features of the least-squares model
   (as `sum_with_link` and `sum_with_question` are);
2. a neutral gate: a logistic regression on the cues and the magnitudes of the features
   predicts whether a tweet with sentiment tokens is gold-neutral; above a probability
   threshold its compound is set to 0. Printed for several thresholds: the figures show
   whether any threshold could help before one is chosen by nested cross-validation.

Cues (from the text, as the analyser could compute them): the tweet starts with a mention or
"RT"; it has a link; a "?"; it reads as a headline (at least 4 words, over 60 % capitalised);
a first-person pronoun; "via @", "RT @", "check out/it/this", "blog" or a hashtag; a
"name:" prefix or ": http".
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentiment_model as model  # noqa: E402
import tweet_valences as valences  # noqa: E402

CUES = {
    "mention_start": lambda text, lower: text.startswith("@") or text.startswith("RT"),
    "link": lambda text, lower: "http" in lower or "www." in lower,
    "question": lambda text, lower: "?" in text,
    "headline": lambda text, lower: headline(text),
    "first_person": lambda text, lower: re.search(r"\b(i|i'm|im|me|my|mine|we|our|us)\b", lower) is not None,
    "promotion": lambda text, lower: re.search(r"\bvia @|\brt @|check (it|this|out)|\bblog\b|#\w", lower) is not None,
    "labelled": lambda text, lower: re.search(r"^[^ ]+:|: http", text) is not None,
}
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def headline(text):
    words = re.findall(r"[A-Za-z']+", text)
    return len(words) >= 4 and sum(word[0].isupper() for word in words) / len(words) > 0.6


def logistic_fit(features, targets, l2=1.0, iterations=12):
    """Ridge-penalised logistic regression by Newton's method."""
    weights = np.zeros(features.shape[1])
    for _ in range(iterations):
        probabilities = 1 / (1 + np.exp(-features @ weights))
        gradient = features.T @ (probabilities - targets) + l2 * weights
        hessian = features.T @ (features * (probabilities * (1 - probabilities))[:, None]) + l2 * np.eye(len(weights))
        weights -= np.linalg.solve(hessian, gradient)
    return weights


def cross_validate(ratings, evaluate):
    """Mean r and F1 over the 5 x 10 held-out folds of `evaluate(train, test)` -> [(r, F1), ...]."""
    return np.array([evaluate(train, test) for _, _, train, test in model.folds(len(ratings))]).mean(axis=0)


def print_confusion(features, ratings):
    """Gold against predicted label over the held-out folds of the first repeat (each tweet once)."""
    predicted = np.zeros(len(ratings))
    for _, _, train, test in model.folds(len(ratings), repeats=1):
        predicted[test] = model.compound(features[test], model.fit(features[train], ratings[train]))
    gold, labels = model.labels(ratings, 0.2), model.predicted_labels(predicted)
    unscored = np.abs(features).sum(axis=1) == 0
    names = {-1: "negative", 0: "neutral", 1: "positive"}
    print("    held-out predictions of the first repeat, gold (rows) against predicted; no sentiment token: gold counts")
    for label in (-1, 0, 1):
        counts = "  ".join(f"{names[other]} {np.sum((gold == label) & (labels == other)):>4}" for other in (-1, 0, 1))
        print(f"    gold {names[label]:<8} {np.sum(gold == label):>5}: {counts}   no sentiment token {np.sum((gold == label) & unscored):>3}")


def main(arguments):
    if len(arguments) != 3:
        sys.exit(__doc__)
    bench, resources, tweets_path = arguments
    ratings, texts = valences.load_tweets(tweets_path)
    analyser = valences.Analyser(bench, resources)
    try:
        base = analyser.features(tweets_path, {})
    finally:
        analyser.close()
    cues = np.array([[float(bool(cue(text, text.lower()))) for cue in CUES.values()] for text in texts])
    gold_neutral = (model.labels(ratings, 0.2) == 0).astype(float)
    print(f"neutral cues on the {len(ratings)} development tweets ({int(gold_neutral.sum())} gold-neutral), "
          f"{model.REPEATS} x {model.FOLDS}-fold, seed {model.SEED}, features without adapted valences; mean r / F1 over the held-out folds")

    def linear(features):
        def evaluate(train, test):
            weights = model.fit(features[train], ratings[train])
            return [model.accuracy(ratings[test], model.compound(features[test], weights))]
        return cross_validate(ratings, evaluate)[0]

    r, f1 = linear(base)
    print(f"  {'rules (the six shipped features)':<36} r {r:.4f}  F1 {f1:.4f}")
    print_confusion(base, ratings)
    new_cues = [name for name in CUES if name not in ("link", "question")]  # those two are features already
    for name in new_cues + ["all"]:
        chosen = new_cues if name == "all" else [name]
        extra = base[:, [0]] * cues[:, [list(CUES).index(cue) for cue in chosen]]
        r, f1 = linear(np.hstack([base, extra]))
        share = "" if name == "all" else f" ({cues[:, list(CUES).index(name)].mean():.1%} of tweets)"
        print(f"  {'+ normalized_sum x ' + name + share:<36} r {r:.4f}  F1 {f1:.4f}")

    magnitudes = np.abs(base[:, [0, 1, 3]])
    gate_features = np.hstack([magnitudes, cues, np.abs(base[:, [0]]) * cues, np.ones((len(ratings), 1))])

    def gated(train, test):
        weights = model.fit(base[train], ratings[train])
        predicted = model.compound(base[test], weights)
        scored = train[np.abs(base[train]).sum(axis=1) > 0]
        gate = logistic_fit(gate_features[scored], gold_neutral[scored])
        neutral = 1 / (1 + np.exp(-gate_features[test] @ gate))
        return [model.accuracy(ratings[test], np.where(neutral > threshold, 0, predicted)) for threshold in THRESHOLDS]

    for threshold, (r, f1) in zip(THRESHOLDS, cross_validate(ratings, gated)):
        print(f"  {f'neutral gate, threshold {threshold:g}':<36} r {r:.4f}  F1 {f1:.4f}")


if __name__ == "__main__":
    with np.errstate(over="ignore"):
        main(sys.argv[1:])
