#!/usr/bin/env bash
# Compiles the analysers' source tables (the TSV and text files of Sources/Analysis/LanguageID
# and Sources/Analysis/Sentiment) into the table images `earshot` maps at start-up:
# Sources/Analysis/LanguageID/Resources/language-tables.bin and
# Sources/Analysis/Sentiment/Resources/sentiment-tables.bin. Run it after editing a source table.
#   scripts/gen-tables.sh          write the images
#   scripts/gen-tables.sh --check  exit 1 if a committed image is stale
# (The tests LanguageTablesTests and SentimentTablesTests make the same check in `make test`.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swift build --package-path "$ROOT" --product earshot-gen-tables >&2
"$(swift build --package-path "$ROOT" --show-bin-path)/earshot-gen-tables" ${1:+"$1"} "$ROOT"
