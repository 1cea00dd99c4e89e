#!/usr/bin/env python3
"""A sentiment head trained on GoEmotions as features of the learned step (issue #12; not shipped).

Usage:
    sentiment_head.py FEATURES TWEETS [GOEMOTIONS_FILE...]

FEATURES is the output of `earshot-bench-sentiment --features` over the corpora (tweets
first), TWEETS the development tweets, GOEMOTIONS_FILE the labelled Reddit comments
(default data/emotions/train.tsv.gz and data/emotions/dev.tsv; no tweet is among them).

The comments are mapped to sentiment: joy without anger, disgust, fear or sadness is
positive, one of those four without joy negative, neutral alone neutral; the others (surprise
alone, mixed) are left out. Two one-vs-rest logistic regressions (positive, negative; liblinear,
C = 1) are trained over the emotion model's hashed word and character n-grams and lexicon
counts (scripts/emotions_features.py, 18 bits, as scripts/train-emotions.py builds them, without
the naive-Bayes scaling), and their probabilities on the tweets are added to the learned step:
to the shipped design with the emotion probabilities (emotion_features.py, `+p+1+p*sum`), also
times the normalised sum, and instead of the emotion probabilities. Measured in the 5 x 10-fold
cross-validation of sentiment_model.py (same seed and folds) on the features as shipped (the
valences adapted on all tweets: the comparison between designs is what counts here, the
figures themselves are optimistic); printed with the paired difference against `+p+1+p*sum`.
"""
import os
import sys

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_features as emotion_design  # noqa: E402
import emotions_features as hashing  # noqa: E402
import sentiment_model as model  # noqa: E402
import tweet_valences as valences  # noqa: E402

BITS = 18
NEGATIVE_EMOTIONS = {0, 1, 2, 5}  # anger, disgust, fear, sadness (data/emotions/labels.txt)
JOY, NEUTRAL = 3, 4


def matrix(texts):
    """Hashed features as scripts/train-emotions.py builds them (word and character blocks each scaled by 1/sqrt(count))."""
    width = 1 << BITS
    rows, columns, values = [], [], []
    for row, text in enumerate(texts):
        words, chars, lexicon = hashing.features(text, BITS)
        for block in (words, chars):
            if block:
                rows += [row] * len(block)
                columns += block
                values += [1 / np.sqrt(len(block))] * len(block)
        for index, value in enumerate(lexicon):
            if value:
                rows.append(row)
                columns.append(width + index)
                values.append(value)
    return sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), width + len(hashing.LEXICON_FEATURES)))


def goemotions_sentiment(paths):
    import gzip

    texts, labels = [], []
    for path in paths:
        with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 2:
                    sys.exit(f"{path}:{number}: expected text<TAB>labels<TAB>id")
                given = {int(label) for label in fields[1].split(",")}
                positive, negative = JOY in given, bool(given & NEGATIVE_EMOTIONS)
                if positive != negative:
                    labels.append(1 if positive else -1)
                elif given == {NEUTRAL}:
                    labels.append(0)
                else:
                    continue
                texts.append(fields[0])
    return texts, np.array(labels)


def cross_validate(features, ratings):
    results = []
    for _, _, train, test in model.folds(len(ratings)):
        weights = model.fit(features[train], ratings[train])
        results.append(model.accuracy(ratings[test], model.compound(features[test], weights)))
    return np.array(results)


def main(arguments):
    if len(arguments) < 2:
        sys.exit(__doc__)
    features_path, tweets_path = arguments[:2]
    paths = arguments[2:] or [os.path.join(ROOT, "data/emotions/train.tsv.gz"), os.path.join(ROOT, "data/emotions/dev.tsv")]
    texts, labels = goemotions_sentiment(paths)
    counts = {name: int(np.sum(labels == value)) for name, value in (("negative", -1), ("neutral", 0), ("positive", 1))}
    print(f"sentiment head on {len(texts)} GoEmotions comments ({counts}), {model.REPEATS} x {model.FOLDS}-fold CV "
          f"on the development tweets, seed {model.SEED}, features as shipped; mean over the held-out folds")
    hashed = matrix(texts)
    heads = [LogisticRegression(C=1.0, solver="liblinear", max_iter=1000).fit(hashed, (labels == value).astype(int))
             for value in (1, -1)]
    corpora, means, _, features, _ = model.load_features(features_path)
    probabilities = model.load_emotions(features_path)[0]
    tweets = corpora == model.TWEETS
    ratings, tweet_texts = valences.load_tweets(tweets_path)
    head = np.column_stack([classifier.predict_proba(matrix(tweet_texts))[:, 1] for classifier in heads])
    rules, emotions = features[tweets], probabilities[tweets]
    shipped = emotion_design.design(rules, emotions, emotion_design.SHIPPED)
    baseline = cross_validate(shipped, ratings)
    print(f"  {emotion_design.SHIPPED:<34} r {baseline[:, 0].mean():.4f}  F1 {baseline[:, 1].mean():.4f}")
    designs = {
        f"{emotion_design.SHIPPED} + head": np.hstack([shipped, head]),
        f"{emotion_design.SHIPPED} + head + head*sum": np.hstack([shipped, head, head * rules[:, [0]]]),
        "six + head + 1 (no emotions)": np.hstack([rules, head, np.ones((len(ratings), 1))]),
    }
    for name, design in designs.items():
        results = cross_validate(design, ratings)
        difference = results - baseline
        print(f"  {name:<34} r {results[:, 0].mean():.4f}  F1 {results[:, 1].mean():.4f}   difference r "
              f"{difference[:, 0].mean():+.4f} ± {difference[:, 0].std(ddof=1):.4f}, F1 "
              f"{difference[:, 1].mean():+.4f} ± {difference[:, 1].std(ddof=1):.4f}")


if __name__ == "__main__":
    main(sys.argv[1:])
