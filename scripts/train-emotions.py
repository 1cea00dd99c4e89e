#!/usr/bin/env python3
"""Train Earshot's emotion model (one command; see docs/EMOTIONS.md).

Usage: scripts/train-emotions.py [--train data/emotions/train.tsv.gz] [--dev data/emotions/dev.tsv]
                                 [--out Sources/Analysis/Emotions/Resources/emotions.model]
                                 [--folds 5] [--bits 18] [--C 1,2] [--final train+dev|train]
                                 [--class-weight none|balanced] [--jobs 1]

Re-executes itself in <repo>/.build-emotions/venv (created, with pinned scikit-learn and
numpy from PyPI, when missing). Trains one-vs-rest logistic regression over hashed word and
character n-grams plus lexicon features (scripts/emotions_features.py), each label's features
scaled by their naive-Bayes log-count ratios (NB-LR). Every choice is made inside the data the
figure does not measure:

1. k-fold cross-validation on train, once per candidate C: every training text gets a
   probability from a model that did not see it. A fold's figure takes each label's C (the
   candidate with the label's best F1) and the per-label thresholds from the other folds'
   out-of-fold probabilities only. The same fold models score dev (dev labels only measure).
2. A model on all of train, C and thresholds chosen on all of train's out-of-fold
   probabilities, scored on dev: the development figure of a model that never saw dev.
3. With --final train+dev (the default), k-fold cross-validation on train + dev with the Cs
   chosen in 1 (thresholds tuned on the other folds), and the shipped model trained on all of
   train + dev with the thresholds tuned on all those out-of-fold probabilities. Its dev
   figure is printed as a check only (dev is in its training data). With --final train, the
   model of 2 is shipped.

It writes the int8-quantised weights, biases and thresholds as one binary file with a cache of
the frequent words' summed character n-gram weights, plus parity fixtures for the Swift tests.

Data format: `text <TAB> comma-separated label ids <TAB> id` (ids index the label list
below); a team's own data in that format retrains the model with --train/--dev.
"""

import argparse
import gzip
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build-emotions", "venv")
REQUIREMENTS = ["scikit-learn==1.9.1", "numpy==2.4.6", "scipy==1.17.1"]
LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
NEUTRAL = LABELS.index("neutral")
MAGIC = b"EMO4"  # EMO4: the negation scope (scripts/emotions_features.py) changed the features
# Texts added to the parity fixtures for the tokeniser's rarer paths: capitals, words longer
# than MAX_WORD_BYTES (capitals past the cut, non-ASCII at it), emoji with modifiers, skipped
# scalars, non-ASCII words, marks, negation scopes (closed by a comma, by marks, not by
# emoji; a negation word inside a scope; `.` `;` `:`), and a text longer than MAX_TEXT_BYTES.
EDGE_CASES = [
    "WOW this is AMAZING!!! I LOVE IT, OK? NoT really",
    "A1234567890123456789012345678901234567B is LOUD",
    "Supercalifragilisticexpialidociousnessitudeextraordinaire!! so good",
    "abababababababababababababababababababé and more",
    "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ ÉTÉ",
    "I don't know... it’s fine 😀😀 👍🏽 ❤️ 👨‍👩‍👧",
    "Café déjà vu — naïve résumé, 日本語のテキスト",
    "not NOT never, so very really sad :( :'(",
    "?!?! x 12345 2020",
    "I'm not happy, just tired",
    "never ever sad!! but angry",
    "don't 😀 like it. NOTHING not good; no way: cannot stop",
    "I hate this so much " * 150,
]

NEGATION_FLAG = 1
INTENSIFIER_FLAG = 2048  # a text of MAX_TEXT_BYTES bytes has fewer than 2,048 words
CACHE_SLOT = [("key", "<u8"), ("unigram", "i1", 8), ("chars", "<i2", 8)]


def ensure_venv():
    """Re-run inside the project venv with the pinned packages."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(python):
        print(f"== creating {VENV}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    probe = "import sklearn, numpy, scipy"
    if subprocess.call([python, "-c", probe], stderr=subprocess.DEVNULL) != 0:
        print("== installing " + " ".join(REQUIREMENTS), file=sys.stderr)
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", *REQUIREMENTS])
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def read_split(path):
    opener = gzip.open if path.endswith(".gz") else open
    texts, targets = [], []
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2:
                sys.exit(f"error: {path}:{number}: expected text<TAB>labels<TAB>id")
            row = [0] * len(LABELS)
            for label in fields[1].split(","):
                if not label.isdigit() or int(label) >= len(LABELS):
                    sys.exit(f"error: {path}:{number}: label id {label!r} is not 0-{len(LABELS) - 1}")
                row[int(label)] = 1
            texts.append(fields[0])
            targets.append(row)
    return texts, targets


def word_cache(texts, table):
    """The word cache: a slot for every word seen at least twice in `texts` and every
    negation and intensifier, keyed by the word's 64-bit token hash, holding the word's
    unigram row of `table`, the sums of the rows of its character n-grams (lanes 0-6), which
    the classifier would otherwise add up one n-gram at a time, and its lexicon flags (lane 7
    of the sums: NEGATION_FLAG, INTENSIFIER_FLAG, so that the classifier's sum of the lanes 7
    of a text's words gives both counts). An open-addressing table (linear probing from
    the top bits of the hash; key 0 empty) at most half full; returns its log2 size and its
    slots. The unigram row is the word's own; inside a negation scope the classifier takes the
    negated unigram's row from the table instead (and the cached character sums as they are)."""
    import numpy as np
    import emotions_features as ef

    bits = len(table).bit_length() - 1
    counts = {}
    for text in texts:
        for kind, token, _ in ef.tokens(text):
            if kind == ef.WORD:
                counts[token] = counts.get(token, 0) + 1
    lexicon = {word.encode(): flag for group, flag in ((ef.NEGATIONS, NEGATION_FLAG), (ef.INTENSIFIERS, INTENSIFIER_FLAG)) for word in group}
    words = sorted({word for word, count in counts.items() if count >= 2} | set(lexicon))
    cache_bits = max(4, (2 * len(words) - 1).bit_length())
    mask = (1 << cache_bits) - 1
    slots = np.zeros(1 << cache_bits, dtype=CACHE_SLOT)
    for word in words:
        key = ef.token_hash(word)
        slot = key >> (64 - cache_bits)
        while slots["key"][slot] != 0 and slots["key"][slot] != key:
            slot = (slot + 1) & mask
        if key == 0 or slots["key"][slot] == key:
            if word in lexicon:  # the classifier counts the lexicon words from the cache only
                sys.exit(f"error: the lexicon word {word!r} collides in the word cache")
            continue  # a 64-bit hash collision: the word is left to the slow path
        slots["key"][slot] = key
        slots["unigram"][slot] = table[key >> (64 - bits)]
        chars = table[ef.char_buckets(word, bits)].astype(np.int32).sum(axis=0)
        chars[7] = lexicon.get(word, 0)
        slots["chars"][slot] = chars
    print(f"word cache: {len(words):,} words in {1 << cache_bits:,} slots", file=sys.stderr)
    return cache_bits, slots


def main():
    ensure_venv()
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression
    from joblib import Parallel, delayed
    from sklearn.model_selection import KFold

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import emotions_features as ef

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", default=os.path.join(ROOT, "data/emotions/train.tsv.gz"))
    parser.add_argument("--dev", default=os.path.join(ROOT, "data/emotions/dev.tsv"))
    parser.add_argument("--out", default=os.path.join(ROOT, "Sources/Analysis/Emotions/Resources/emotions.model"))
    parser.add_argument("--fixtures", default=os.path.join(ROOT, "Tests/EmotionsTests/Fixtures/parity.tsv"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--bits", type=int, default=18)
    parser.add_argument("--C", type=lambda text: [float(c) for c in text.split(",")], default=[1.0, 2.0],
                        help="candidate inverse regularisations, comma-separated; each label's is chosen by the CV")
    parser.add_argument("--final", choices=["train", "train+dev"], default="train+dev",
                        help="what the shipped model is trained on (its thresholds are tuned on a k-fold over it)")
    parser.add_argument("--class-weight", choices=["none", "balanced"], default="none",
                        help="weights of each label's two classes in its logistic regression")
    parser.add_argument("--jobs", type=int, default=1, help="labels fitted in parallel")
    args = parser.parse_args()
    if args.folds < 2:
        sys.exit("error: --folds must be at least 2 (the thresholds are tuned on out-of-fold probabilities)")

    train_texts, train_y = read_split(args.train)
    dev_texts, dev_y = read_split(args.dev)
    train_y, dev_y = np.array(train_y), np.array(dev_y)
    width = 1 << args.bits

    def matrix(texts):
        rows, cols, vals = [], [], []
        for r, text in enumerate(texts):
            words, chars, lexicon = ef.features(text, args.bits)
            for block in (words, chars):
                if block:
                    scale = 1.0 / np.sqrt(len(block))
                    rows.extend([r] * len(block))
                    cols.extend(block)
                    vals.extend([scale] * len(block))
            for k, value in enumerate(lexicon):
                if value:
                    rows.append(r)
                    cols.append(width + k)
                    vals.append(value)
        shape = (len(texts), width + len(ef.LEXICON_FEATURES))
        return sparse.csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=shape)

    print(f"== features ({args.bits}-bit hash)", file=sys.stderr)
    x_train, x_dev = matrix(train_texts), matrix(dev_texts)

    def naive_bayes_ratios(x, y):
        """Per-feature log-count ratios of one label (NB-LR, Wang & Manning 2012): the log of a
        hashed feature's share among the label's texts over its share among the others (each
        text counting a feature once, add-one smoothed); 1 for the lexicon features."""
        present = (x[:, :width] > 0).astype(np.float64)
        positive = np.asarray(present[y == 1].sum(axis=0)).ravel() + 1.0
        negative = np.asarray(present[y == 0].sum(axis=0)).ravel() + 1.0
        ratios = np.log(positive / positive.sum()) - np.log(negative / negative.sum())
        return np.concatenate([ratios, np.ones(x.shape[1] - width)])

    def fit_label(x, y, C):
        """Weights and bias of one label's logistic regression (inverse regularisation C) over the
        features scaled by their naive-Bayes ratios, the ratios folded into the weights."""
        ratios = naive_bayes_ratios(x, y)
        model = LogisticRegression(C=C, solver="liblinear", dual=True, max_iter=1000, random_state=0,
                                   class_weight=None if args.class_weight == "none" else args.class_weight)
        model.fit(x @ sparse.diags(ratios), y)
        return model.coef_[0] * ratios, model.intercept_[0]

    def fit(x, y, costs):
        """Weights (features x labels) and biases of the one-vs-rest model, label k fitted with
        C = costs[k], labels fitted in parallel."""
        fitted = Parallel(n_jobs=args.jobs)(delayed(fit_label)(x, y[:, k], costs[k]) for k in range(len(LABELS)))
        return np.array([w for w, _ in fitted]).T, np.array([b for _, b in fitted])

    def predict(probabilities, thresholds):
        predicted = (probabilities >= thresholds).astype(int)
        predicted[predicted.sum(axis=1) == 0, NEUTRAL] = 1
        return predicted

    def f1_per_label(y, predicted):
        tp = (y & predicted).sum(axis=0)
        fp = ((1 - y) & predicted).sum(axis=0)
        fn = (y & (1 - predicted)).sum(axis=0)
        return np.where(tp > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1), 0.0)

    def tune(probabilities, y):
        """Per-label thresholds maximising macro-F1, one label at a time, two sweeps."""
        thresholds = np.full(len(LABELS), 0.5)
        grid = np.arange(0.05, 0.95, 0.01)
        for _ in range(2):
            for k in range(len(LABELS)):
                best = (-1.0, thresholds[k])
                for t in grid:
                    thresholds[k] = t
                    score = f1_per_label(y, predict(probabilities, thresholds)).mean()
                    if score > best[0]:
                        best = (score, t)
                thresholds[k] = best[1]
        return thresholds

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def quantise(weights):
        """int8 weights and per-label scales (weight = q * scale)."""
        scales = np.abs(weights).max(axis=0) / 127.0
        scales[scales == 0] = 1.0
        return np.clip(np.rint(weights / scales), -127, 127).astype(np.int8), scales.astype(np.float32)

    def quantised_probabilities(x, weights, biases):
        hashed, scales = quantise(weights[:width])
        approx = np.vstack([hashed.astype(np.float64) * scales, weights[width:]])
        return sigmoid(x @ approx + biases)

    def report(name, scores):
        scores = np.array(scores)
        cells = "  ".join(f"{label} {scores[:, k].mean():.3f}±{scores[:, k].std():.3f}" for k, label in enumerate(LABELS))
        macro = scores.mean(axis=1)
        print(f"{name}: macro-F1 {macro.mean():.3f} ± {macro.std():.3f}  |  {cells}", flush=True)

    def cross_validate(x, y, settings, also=None):
        """k-fold cross-validation of every setting in `settings` (a dict key -> each label's
        C): each text's fold, its out-of-fold probabilities (texts x labels) per setting and,
        for `also` (other texts), each fold model's probabilities (folds x texts x labels)."""
        folds = np.zeros(x.shape[0], dtype=int)
        out_of_fold = {key: np.zeros(y.shape) for key in settings}
        fold_also = {key: [] for key in settings}
        for fold, (fit_rows, held_rows) in enumerate(KFold(args.folds, shuffle=True, random_state=19).split(y)):
            folds[held_rows] = fold
            tasks = [(key, k) for key in settings for k in range(len(LABELS))]
            fitted = Parallel(n_jobs=args.jobs)(delayed(fit_label)(x[fit_rows], y[fit_rows, k], settings[key][k]) for key, k in tasks)
            for key in settings:
                weights = np.array([w for (task, _), (w, _) in zip(tasks, fitted) if task == key]).T
                biases = np.array([b for (task, _), (_, b) in zip(tasks, fitted) if task == key])
                out_of_fold[key][held_rows] = quantised_probabilities(x[held_rows], weights, biases)
                if also is not None:
                    fold_also[key].append(quantised_probabilities(also, weights, biases))
            print(f"   fold {fold + 1} fitted", file=sys.stderr, flush=True)
        return folds, out_of_fold, fold_also

    def best_label_f1(probabilities, y):
        """A label's best F1 over the threshold sweep of `tune` (the label alone)."""
        best = 0.0
        for t in np.arange(0.05, 0.95, 0.01):
            predicted = (probabilities >= t).astype(int)
            tp = (y & predicted).sum()
            best = max(best, 2 * tp / max(2 * tp + ((1 - y) & predicted).sum() + (y & (1 - predicted)).sum(), 1))
        return best

    def choose(out_of_fold, y, rows):
        """Per label, the C whose out-of-fold probabilities on `rows` give the label's best F1
        (ties to the first C given); then the thresholds tuned on those probabilities. Returns
        the Cs, the thresholds and the chosen probabilities of all texts."""
        costs = list(out_of_fold)
        chosen = [max(costs, key=lambda C: best_label_f1(out_of_fold[C][rows, k], y[rows, k])) for k in range(len(LABELS))]
        probabilities = np.column_stack([out_of_fold[C][:, k] for k, C in enumerate(chosen)])
        return chosen, tune(probabilities[rows], y[rows]), probabilities

    def cross_validated_scores(y, folds, out_of_fold, fold_also=None, also_y=None):
        """Each fold's per-label F1 with the Cs and thresholds chosen on the other folds'
        out-of-fold probabilities, and (with `fold_also`) the same fold model's on `also_y`."""
        scores, also_scores = [], []
        for fold in range(args.folds):
            others = folds != fold
            chosen, thresholds, probabilities = choose(out_of_fold, y, others)
            scores.append(f1_per_label(y[~others], predict(probabilities[~others], thresholds)))
            if fold_also is not None:
                also = np.column_stack([fold_also[C][fold][:, k] for k, C in enumerate(chosen)])
                also_scores.append(f1_per_label(also_y, predict(also, thresholds)))
        return scores, also_scores

    def describe(chosen, thresholds):
        return "  ".join(f"{label} C={C:g} t={t:.2f}" for label, C, t in zip(LABELS, chosen, thresholds))

    everywhere = np.ones(len(train_y), dtype=bool)
    print(f"== {args.folds}-fold cross-validation on train, C in {args.C}", file=sys.stderr)
    folds, out_of_fold, fold_dev = cross_validate(x_train, train_y, {C: [C] * len(LABELS) for C in args.C}, also=x_dev)
    fold_scores, fold_dev_scores = cross_validated_scores(train_y, folds, out_of_fold, fold_dev, dev_y)
    report(f"train {args.folds}-fold CV (C and thresholds chosen on the other folds)", fold_scores)
    report(f"dev, the {args.folds} fold models (C and thresholds chosen on the other folds)", fold_dev_scores)

    print("== a model on all of train", file=sys.stderr)
    chosen, thresholds, _ = choose(out_of_fold, train_y, everywhere)
    weights, biases = fit(x_train, train_y, chosen)
    dev_probabilities = quantised_probabilities(x_dev, weights, biases)
    report("dev, model on all of train (C and thresholds chosen on train out-of-fold)", [f1_per_label(dev_y, predict(dev_probabilities, thresholds))])
    report("dev, model on all of train (thresholds tuned on dev: optimistic, for scale)", [f1_per_label(dev_y, predict(dev_probabilities, tune(dev_probabilities, dev_y)))])
    print("chosen on train: " + describe(chosen, thresholds))
    final_texts = train_texts

    if args.final == "train+dev":
        final_texts = train_texts + dev_texts
        x_all, y_all = sparse.vstack([x_train, x_dev]).tocsr(), np.vstack([train_y, dev_y])
        print(f"== {args.folds}-fold cross-validation on train + dev, C per label as chosen on train", file=sys.stderr)
        # The Cs stay those chosen on train; only the thresholds are tuned on these folds.
        all_folds, all_out_of_fold, _ = cross_validate(x_all, y_all, {"chosen": chosen})
        report(f"train + dev {args.folds}-fold CV (thresholds tuned on the other folds)", cross_validated_scores(y_all, all_folds, all_out_of_fold)[0])
        print("== shipped model on all of train + dev", file=sys.stderr)
        thresholds = tune(all_out_of_fold["chosen"], y_all)
        weights, biases = fit(x_all, y_all, chosen)
        dev_probabilities = quantised_probabilities(x_dev, weights, biases)
        report("dev, shipped model (dev is in its training data: a check, not a development figure)", [f1_per_label(dev_y, predict(dev_probabilities, thresholds))])
    print("shipped: " + describe(chosen, thresholds))

    hashed, scales = quantise(weights[:width])
    table = np.zeros((width, 8), dtype=np.int8)
    table[:, : len(LABELS)] = hashed
    cache_bits, cache = word_cache(final_texts, table)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    # Written beside it and renamed over it: a running process maps the model file, and a file
    # rewritten in place would change under it.
    partial = args.out + ".partial"
    with open(partial, "wb") as out:
        out.write(MAGIC)
        out.write(struct.pack("<IIII", args.bits, len(LABELS), len(ef.LEXICON_FEATURES), cache_bits))
        out.write(np.asarray(scales, dtype="<f4").tobytes())
        out.write(np.asarray(biases, dtype="<f4").tobytes())
        out.write(np.asarray(thresholds, dtype="<f4").tobytes())
        out.write(np.asarray(weights[width:], dtype="<f4").tobytes())
        out.write(table.tobytes())
        out.write(cache.tobytes())
    os.replace(partial, args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out):,} bytes)")

    os.makedirs(os.path.dirname(args.fixtures), exist_ok=True)
    with open(args.fixtures, "w", encoding="utf-8") as out:
        out.write("# text<TAB>labels<TAB>anger..surprise probabilities, by scripts/train-emotions.py\n")
        texts = dev_texts[::10] + EDGE_CASES
        probabilities = np.vstack([dev_probabilities[::10], quantised_probabilities(matrix(EDGE_CASES), weights, biases)])
        predicted = predict(probabilities, thresholds)
        for i, text in enumerate(texts):
            labels = ",".join(LABELS[k] for k in range(len(LABELS)) if predicted[i, k])
            probs = ",".join(f"{p:.6f}" for p in probabilities[i])
            out.write(f"{text}\t{labels}\t{probs}\n")
    print(f"wrote {args.fixtures}")

if __name__ == "__main__":
    main()
