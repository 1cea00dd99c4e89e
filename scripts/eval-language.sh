#!/usr/bin/env bash
# Prints the language identification figures of docs/LANGUAGE-ID.md: the 20-language
# evaluation sentences (30+ characters), the short multilingual posts and the English
# development tweets (en share, und share, share given a sentiment).
#   scripts/eval-language.sh [--misses]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product earshot-eval-language >&2
.build/release/earshot-eval-language "$@" .
