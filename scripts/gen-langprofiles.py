#!/usr/bin/env python3
"""Generate Sources/Analysis/LanguageID/Resources/langdetect-profiles.txt, the character
n-gram profiles the language identifier loads at run time, from the language profiles
shipped in PyPI `langdetect` 1.0.9 (Apache-2.0, Copyright (c) 2010-2014 Cybozu Labs,
Inc.; see data/langid/NOTICE).

Usage:
    scripts/gen-langprofiles.py [PROFILES_DIR]           write the resource
    scripts/gen-langprofiles.py --check [PROFILES_DIR]   exit 1 if the committed resource is stale

PROFILES_DIR is langdetect's `profiles` folder. Without it the script uses an
installed `langdetect` package, else the sdist in ~/.cache/earshot/langdetect-1.0.9
(downloaded there with `pip download` when generating; --check never downloads
and skips with exit 0 when the input is missing, so `make test` works offline).

What it does per language profile (JSON: n_words = totals of 1-, 2-, 3-grams,
freq = gram -> count):
  * drops grams with characters other than letters, marks and space;
  * lower-cases every gram and merges the counts of case variants;
  * converts counts to probabilities p = count / n_words[len(gram) - 1];
  * keeps grams with p >= 5e-6 (smaller ones score like unseen grams under the
    detector's 5e-5 smoothing) and stores p in millionths.
File format (UTF-8 text, about 0.9 MB): "=group" starts a script group (latin,
cyrillic, arabic, devanagari), "@code" a language within it, then one
"gram<TAB>millionths" line per gram, spaces in grams written as "_".
"""
import json
import os
import subprocess
import sys
import tarfile
import unicodedata

GROUPS = {
    "latin": ["en", "es", "pt", "fr", "de", "it", "nl", "sv", "pl", "tr", "id",
              "af", "ca", "cs", "cy", "da", "et", "fi", "hr", "hu", "lt", "lv",
              "no", "ro", "sk", "sl", "so", "sq", "sw", "tl", "vi"],
    "cyrillic": ["ru", "uk", "bg", "mk"],
    "arabic": ["ar", "fa", "ur"],
    "devanagari": ["hi", "mr", "ne"],
}
MIN_MILLIONTHS = 5
VERSION = "1.0.9"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "..", "Sources", "Analysis", "LanguageID", "Resources",
                        "langdetect-profiles.txt")
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "earshot", f"langdetect-{VERSION}")


def load(profiles_dir, code):
    with open(os.path.join(profiles_dir, code), encoding="utf-8") as f:
        profile = json.load(f)
    merged = {}
    for gram, count in profile["freq"].items():
        key = gram.lower()
        if len(key) != len(gram):  # e.g. Turkish dotted capital I
            continue
        if not all(c == " " or unicodedata.category(c)[0] in "LM" for c in key):
            continue
        merged[key] = merged.get(key, 0) + count
    totals = profile["n_words"]
    entries = []
    for gram, count in merged.items():
        millionths = round(count * 1_000_000 / totals[len(gram) - 1])
        if millionths >= MIN_MILLIONTHS:
            entries.append((gram.replace(" ", "_"), millionths))
    entries.sort()
    return entries


def find_profiles(download):
    """The profiles folder of an installed langdetect or of the cached sdist, fetched
    with pip when `download` is true; None when unavailable."""
    try:
        import langdetect
        installed = os.path.join(os.path.dirname(langdetect.__file__), "profiles")
        if os.path.isdir(installed):
            return installed
    except ImportError:
        pass
    cached = os.path.join(CACHE, f"langdetect-{VERSION}", "langdetect", "profiles")
    if os.path.isdir(cached):
        return cached
    if not download:
        return None
    os.makedirs(CACHE, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    f"langdetect=={VERSION}", "-d", CACHE], check=True)
    with tarfile.open(os.path.join(CACHE, f"langdetect-{VERSION}.tar.gz")) as archive:
        archive.extractall(CACHE, filter="data")
    return cached


def render(profiles_dir):
    lines = []
    for group, codes in GROUPS.items():
        lines.append(f"={group}")
        for code in codes:
            lines.append(f"@{code}")
            lines.extend(f"{gram}\t{millionths}" for gram, millionths in load(profiles_dir, code))
    return "\n".join(lines) + "\n"


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    if check:
        args = args[1:]
    if len(args) > 1:
        sys.exit(__doc__)
    profiles_dir = args[0] if args else find_profiles(download=not check)
    if profiles_dir is None:
        print("gen-langprofiles: langdetect profiles not available (pip install langdetect==1.0.9 "
              "or run scripts/gen-langprofiles.py once); check skipped")
        return
    text = render(profiles_dir)
    if check:
        with open(OUT_PATH, encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"gen-langprofiles: {OUT_PATH} is stale; run scripts/gen-langprofiles.py")
        print("gen-langprofiles: resource in sync with the langdetect profiles")
        return
    with open(OUT_PATH, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT_PATH}")


if __name__ == "__main__":
    main()
