#!/usr/bin/env python3
"""Fits and evaluates the learned step of Earshot's English sentiment analyser.

Usage:
    sentiment_model.py fit FEATURES MODEL_TSV
    sentiment_model.py evaluate FEATURES CORPUS_FILE...

FEATURES is the output of `earshot-bench-sentiment --features CORPUS_FILE...`:
a header, then per text "corpus<TAB>mean<TAB>compound<TAB>feature values"
(SentimentFeatures.names), in the order of the corpus files.

fit: least squares without intercept of the mean human rating (-4..4) of the
development tweets (corpus "tweets") on the features; writes the weights as
"feature<TAB>weight" lines to MODEL_TSV (the Sentiment module's
sentiment_model.tsv resource). The analyser's compound is the predicted
rating / 4, clamped to -1..1; no intercept keeps a text without sentiment
tokens at 0.

evaluate: for every corpus, Pearson r and weighted 3-class F1 of Earshot's
compound (as committed) and of vaderSentiment 3.3.2; on the tweets, which the
committed model and the adapted valences were fitted on, those figures are
in-sample and marked so. The cross-validation, in which both are fitted on nine
folds and measured on the tenth, is tweet_valences.py cv (FOLDS, REPEATS and
SEED below are its settings). Metrics as in SentimentEvaluation.swift and
scripts/bench/vader_bench.py.
"""
import sys

import numpy as np

TWEETS = "tweets"
RATING_SCALE = 4.0
FOLDS = 10
REPEATS = 5
SEED = 20261206
EMOTION_PREFIX = "emotion_"
WITH_EMOTIONS = "compound_with_emotions"  # the compound of the model that weighs the emotions
EMOTIONS = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")


def folds(count, repeats=REPEATS):
    """The cross-validation's splits of `count` items: `repeats` shuffles seeded with SEED, each
    cut into FOLDS held-out folds; yields (repeat, fold, train, test) index arrays."""
    random = np.random.default_rng(SEED)
    for repeat in range(repeats):
        order = random.permutation(count)
        for fold, test in enumerate(np.array_split(order, FOLDS)):
            yield repeat, fold, np.setdiff1d(order, test), test


def load_features(path):
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header[:3] != ["corpus", "mean", "compound"]:
            sys.exit(f"{path}: unexpected header {header[:3]}")
        corpora, rows = [], []
        for number, line in enumerate(handle, 2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != len(header):
                sys.exit(f"{path}:{number}: expected {len(header)} fields, got {len(fields)}")
            corpora.append(fields[0])
            rows.append([float(value) for value in fields[1:]])
    table = np.array(rows)
    names = header[3:]
    sentiment = [i for i, name in enumerate(names) if not name.startswith(EMOTION_PREFIX) and name != WITH_EMOTIONS]
    return np.array(corpora), table[:, 0], table[:, 1], table[:, 2:][:, sentiment], [names[i] for i in sentiment]


def load_emotions(path):
    """The emotion model's probabilities (texts x EMOTIONS) in a FEATURES file, and the compound
    of the model that weighs them (texts)."""
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        columns = [header.index(EMOTION_PREFIX + name) for name in EMOTIONS] + [header.index(WITH_EMOTIONS)]
        table = np.array([[float(line.rstrip("\n").split("\t")[c]) for c in columns] for line in handle])
    return table[:, :-1], table[:, -1]


def fit(features, means):
    weights, *_ = np.linalg.lstsq(features, means, rcond=None)
    return weights


def compound(features, weights):
    return np.clip(features @ weights / RATING_SCALE, -1, 1)


def labels(values, band):
    return np.where(values > band, 1, np.where(values < -band, -1, 0))


def predicted_labels(compounds):
    return np.where(compounds >= 0.05, 1, np.where(compounds <= -0.05, -1, 0))


def weighted_f1(gold, predicted):
    total = 0.0
    for label in (-1, 0, 1):
        true_positives = np.sum((gold == label) & (predicted == label))
        if true_positives == 0:
            continue
        precision = true_positives / np.sum(predicted == label)
        recall = true_positives / np.sum(gold == label)
        total += 2 * precision * recall / (precision + recall) * np.sum(gold == label)
    return total / len(gold)


def accuracy(means, compounds):
    return np.corrcoef(means, compounds)[0, 1], weighted_f1(labels(means, 0.2), predicted_labels(compounds))


def vader_compounds(paths):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compounds = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            for line in handle:
                line = line.rstrip("\r\n")
                if line:
                    compounds.append(analyzer.polarity_scores(line.split("\t", 2)[2])["compound"])
    return np.array(compounds)


def command_fit(features_path, model_path):
    corpora, means, _, features, names = load_features(features_path)
    tweets = corpora == TWEETS
    if not tweets.any():
        sys.exit(f"{features_path}: no '{TWEETS}' rows to fit on")
    weights = fit(features[tweets], means[tweets])
    with open(model_path, "w", encoding="utf-8") as handle:
        handle.write(
            "// Weights of SentimentModel: mean human rating (-4..4) ~ features, least squares without intercept,\n"
            f"// fitted on the {int(tweets.sum())} development tweets of data/sentiment/tweets_dev_GroundTruth.txt\n"
            "// by scripts/eval-sentiment.sh --fit; do not edit by hand.\n"
        )
        for name, weight in zip(names, weights):
            handle.write(f"{name}\t{weight:.6f}\n")
    print(f"wrote {model_path}: " + ", ".join(f"{n}={w:.4f}" for n, w in zip(names, weights)))


def summary(values):
    values = np.array(values)
    return f"{values.mean():.4f} ± {values.std(ddof=1):.4f} (min {values.min():.4f}, max {values.max():.4f})"


def print_fold_summaries(results, repeats, width):
    """Each figure of `results` (name -> one value per held-out fold) as mean, spread and range."""
    print(f"over all {repeats * FOLDS} held-out folds (mean ± standard deviation):")
    for key, values in results.items():
        print(f"  {key:<{width}} {summary(values)}")


def command_evaluate(features_path, corpus_paths):
    corpora, means, compounds, features, _ = load_features(features_path)
    with_emotions = load_emotions(features_path)[1]
    vader = vader_compounds(corpus_paths)
    if len(vader) != len(means):
        sys.exit(f"{features_path} has {len(means)} texts, the corpora {len(vader)}")
    print("Earshot: the compound of English text in `earshot analyze` (the model weighing the emotion model's "
          "probabilities); rules: the six-feature model alone (SentimentAnalyzer.scores(for:))")
    print(f"{'corpus':<8} {'texts':>6}  {'Earshot r':>9} {'Earshot F1':>10}  {'rules r':>8} {'rules F1':>8}  "
          f"{'VADER r':>8} {'VADER F1':>8}")
    for corpus in dict.fromkeys(corpora):
        rows = corpora == corpus
        ours, rules = accuracy(means[rows], with_emotions[rows]), accuracy(means[rows], compounds[rows])
        theirs = accuracy(means[rows], vader[rows])
        note = "  (in-sample: models and valences were fitted on these; see the cross-validation)" if corpus == TWEETS else ""
        print(f"{corpus:<8} {rows.sum():>6}  {ours[0]:>9.4f} {ours[1]:>10.4f}  {rules[0]:>8.4f} {rules[1]:>8.4f}  "
              f"{theirs[0]:>8.4f} {theirs[1]:>8.4f}{note}")


def main(arguments):
    if len(arguments) == 3 and arguments[0] == "fit":
        command_fit(arguments[1], arguments[2])
    elif len(arguments) >= 3 and arguments[0] == "evaluate":
        command_evaluate(arguments[1], arguments[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
