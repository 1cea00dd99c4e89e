#!/usr/bin/env python3
"""Generates the VADER lexicon resources of the Sentiment module.

Reads data/vader/vader_lexicon.txt (token<TAB>mean<TAB>sd<TAB>ratings) and
data/vader/emoji_utf8_lexicon.txt (emoji<TAB>description) and writes
Sources/Analysis/Sentiment/Resources/vader_lexicon.tsv ("token<TAB>mean"
lines) and Sources/Analysis/Sentiment/Resources/vader_emoji.tsv
("emoji<TAB>description" lines), SwiftPM resources that the analyser reads
once per process (see LexiconBuilder.swift).

Run from anywhere: python3 scripts/gen-lexicon.py
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "vader"
RESOURCES = ROOT / "Sources" / "Analysis" / "Sentiment" / "Resources"


def two_column_lines(name, is_valid):
    """Non-blank lines of data/vader/<name> reduced to their first two
    tab-separated columns; exits with the line number when `is_valid`
    rejects a line's fields."""
    lines = []
    for number, raw in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        fields = raw.split("\t")
        if not is_valid(fields):
            sys.exit(f"{name}:{number}: unexpected line {raw!r}")
        lines.append(f"{fields[0]}\t{fields[1]}")
    return lines


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def lexicon_lines():
    """token<TAB>mean lines (the standard deviation and ratings are dropped)."""
    return two_column_lines("vader_lexicon.txt", lambda fields: len(fields) >= 2 and is_number(fields[1]))


def emoji_lines():
    """emoji<TAB>description lines."""
    return two_column_lines("emoji_utf8_lexicon.txt", lambda fields: len(fields) == 2)


def main():
    RESOURCES.mkdir(parents=True, exist_ok=True)
    for name, lines in (("vader_lexicon.tsv", lexicon_lines()), ("vader_emoji.tsv", emoji_lines())):
        output = RESOURCES / name
        output.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
