#!/usr/bin/env python3
"""The emotion model's probabilities as features of the learned step (issue #12): cross-validation
and fitting.

Usage:
    emotion_features.py cv  BENCH RESOURCES FEATURES TWEETS [--repeats N]
    emotion_features.py fit FEATURES MODEL_TSV

BENCH is the earshot-bench-sentiment executable, RESOURCES the Sentiment module's source
resources, FEATURES the output of `earshot-bench-sentiment --features` over the corpora (tweets
first), which carries the emotion model's probabilities of every text ("emotion_anger" ...),
TWEETS the development tweets.

Principle. Earshot computes, for every English text, the probabilities of the emotion model
(anger, disgust, fear, joy, neutral, sadness, surprise; Sources/Analysis/Emotions, trained on
GoEmotions Reddit comments, not on tweets). They carry sentiment the lexicon misses (joy in a
tweet without a rated word, the neutral tone of a headline). The learned step can weigh them
beside the six rule features (SentimentFeatures). Candidate designs, each a least-squares
model of the mean rating (-4..4) as the six-feature model is:

  six            the six rule features (the model without emotions);
  +p             and the seven probabilities;
  +p+1           and an intercept;
  +p+1+p*sum     and each probability times the normalised sum (emotions scaling the rules).

cv: the honest figure. The same 5 x 10-fold cross-validation as tweet_valences.py cv (same seed
and folds): on each split the valences are adapted on the nine training folds, and the design
is chosen among the candidates by an inner 5-fold cross-validation on those nine folds (best
mean r + F1; the held-out fold never takes part in the choice); the chosen design is fitted on
the nine folds and measured on the tenth, beside the six-feature model fitted on the same folds
and vaderSentiment 3.3.2. Printed: the first repeat's folds, then mean ± sd over the 50 held-out
folds, the paired difference (with emotions minus without) and how often each design was chosen.

fit: fits the design SHIPPED on all development tweets (with the features as shipped, valences
adapted on all of them) and writes its weights as `with_emotions.<name>` lines into MODEL_TSV
beside the six-feature weights (which `fit` of sentiment_model.py writes and this keeps).
"""
import os
import sys
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentiment_model as model  # noqa: E402
import tweet_valences as valences  # noqa: E402

DESIGNS = ("six", "+p", "+p+1", "+p+1+p*sum")
SHIPPED = "+p+1+p*sum"
PREFIX = "with_emotions."
INNER_FOLDS = 5


def design(features, probabilities, name):
    """The model's input matrix of `name` from the six rule features and the probabilities."""
    columns = [features]
    if name != "six":
        columns.append(probabilities)
    if name in ("+p+1", "+p+1+p*sum"):
        columns.append(np.ones((len(features), 1)))
    if name == "+p+1+p*sum":
        columns.append(probabilities * features[:, [0]])
    return np.hstack(columns)


def design_names(feature_names, name):
    """Column names of `design(…, name)`, as the model file spells them."""
    emotions = [model.EMOTION_PREFIX + emotion for emotion in model.EMOTIONS]
    names = list(feature_names)
    if name != "six":
        names += emotions
    if name in ("+p+1", "+p+1+p*sum"):
        names.append("intercept")
    if name == "+p+1+p*sum":
        names += [emotion + "_x_sum" for emotion in emotions]
    return names


def held_out(features, probabilities, ratings, train, test, name):
    matrix = design(features, probabilities, name)
    return model.accuracy(ratings[test], model.compound(matrix[test], model.fit(matrix[train], ratings[train])))


def choose(features, probabilities, ratings, train, seed):
    """The design with the best mean r + F1 in a 5-fold cross-validation inside `train`."""
    order = np.random.default_rng(seed).permutation(train)
    scores = []
    for name in DESIGNS:
        total = 0.0
        for test in np.array_split(order, INNER_FOLDS):
            total += sum(held_out(features, probabilities, ratings, np.setdiff1d(order, test), test, name))
        scores.append(total)
    return DESIGNS[int(np.argmax(scores))]


def command_cv(bench, resources, features_path, tweets_path, repeats):
    ratings, texts = valences.load_tweets(tweets_path)
    corpora = model.load_features(features_path)[0]
    probabilities = model.load_emotions(features_path)[0][corpora == model.TWEETS]
    if len(probabilities) != len(ratings):
        sys.exit(f"{features_path} has {len(probabilities)} tweets, {tweets_path} {len(ratings)}")
    vader = model.vader_compounds([tweets_path])
    analyser = valences.Analyser(bench, resources)
    setting = (valences.DEFAULT_GAIN, valences.DEFAULT_SHRINKAGE)
    print(f"cross-validation of emotion features on the {len(ratings)} development tweets: {repeats} x {model.FOLDS}-fold, "
          f"seed {model.SEED}, valences adapted on the training folds (gain {setting[0]:g}, shrinkage {setting[1]:g}), "
          f"design chosen per split among {', '.join(DESIGNS)} by inner {INNER_FOLDS}-fold CV")
    print(f"{'repeat':>6} {'fold':>4} {'texts':>5}  {'six r':>7} {'six F1':>7}  {'emotions r':>10} {'emotions F1':>11}  "
          f"{'VADER r':>7} {'VADER F1':>8}  design")
    results = {name: [] for name in ("six r", "six F1", "emotions r", "emotions F1", "VADER r", "VADER F1")}
    chosen = Counter()
    try:
        rated = valences.rated_words(resources, analyser.social)
        tweet_words = [valences.words_of(text, rated) for text in texts]
        base = analyser.features(tweets_path, {})
        for repeat, fold, train, test in model.folds(len(ratings), repeats):
            _, features, _ = valences.fit_and_adapt(analyser, tweets_path, base, ratings, tweet_words, rated, train, setting)
            name = choose(features, probabilities, ratings, train, model.SEED + 100 * repeat + fold)
            chosen[name] += 1
            six = held_out(features, probabilities, ratings, train, test, "six")
            emotions = held_out(features, probabilities, ratings, train, test, name)
            theirs = model.accuracy(ratings[test], vader[test])
            for key, value in zip(results, six + emotions + theirs):
                results[key].append(value)
            if repeat == 0:
                print(f"{repeat + 1:>6} {fold + 1:>4} {len(test):>5}  {six[0]:>7.4f} {six[1]:>7.4f}  {emotions[0]:>10.4f} "
                      f"{emotions[1]:>11.4f}  {theirs[0]:>7.4f} {theirs[1]:>8.4f}  {name}", flush=True)
    finally:
        analyser.close()
    model.print_fold_summaries(results, repeats, 11)
    for metric in ("r", "F1"):
        difference = np.array(results[f"emotions {metric}"]) - np.array(results[f"six {metric}"])
        print(f"  emotions - six, {metric:<2} {difference.mean():+.4f} ± {difference.std(ddof=1):.4f} "
              f"(better on {np.sum(difference > 0)}, worse on {np.sum(difference < 0)} of {len(difference)} folds)")
    print("design chosen: " + ", ".join(f"{name} x{chosen[name]}" for name in DESIGNS if chosen[name]))


def command_fit(features_path, model_path):
    corpora, means, _, features, names = model.load_features(features_path)
    probabilities = model.load_emotions(features_path)[0]
    tweets = corpora == model.TWEETS
    matrix = design(features[tweets], probabilities[tweets], SHIPPED)
    weights = model.fit(matrix, means[tweets])
    with open(model_path, encoding="utf-8") as handle:
        kept = [line for line in handle if not line.startswith(PREFIX) and "emotion_features.py" not in line]
    with open(model_path, "w", encoding="utf-8") as handle:
        handle.writelines(kept)
        handle.write(f"// {PREFIX}*: the model with the emotion model's probabilities (design {SHIPPED}), fitted on the same\n"
                     "// tweets by scripts/sentiment/emotion_features.py fit (scripts/eval-sentiment.sh --fit); do not edit by hand.\n")
        fitted = dict(zip(design_names(names, SHIPPED), weights))
        # Every weight of the largest design (EmotionWeights.names), 0 for those the shipped one lacks.
        for name in design_names(names, DESIGNS[-1]):
            handle.write(f"{PREFIX}{name}\t{fitted.get(name, 0.0):.6f}\n")
    print(f"wrote the {PREFIX}* weights of design {SHIPPED} to {model_path}")


def main(arguments):
    if len(arguments) >= 5 and arguments[0] == "cv":
        options = dict(zip(arguments[5::2], arguments[6::2]))
        if len(arguments[5:]) % 2 or set(options) - {"--repeats"}:
            sys.exit(__doc__)
        command_cv(*arguments[1:5], int(options.get("--repeats", model.REPEATS)))
    elif len(arguments) == 3 and arguments[0] == "fit":
        command_fit(arguments[1], arguments[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
