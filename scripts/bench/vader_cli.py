#!/usr/bin/env python3
"""vaderSentiment as a user runs it on a stream: one text a line from stdin, its scores as one
JSON line on stdout. Used by scripts/bench-sentiment.sh to time VADER as a whole process, start-up
and import included, beside `earshot analyze` timed the same way."""
import json
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

analyzer = SentimentIntensityAnalyzer()
write = sys.stdout.write
for line in sys.stdin:
    write(json.dumps(analyzer.polarity_scores(line.rstrip("\n"))) + "\n")
