// Fuzz target: a file of JSON posts given to `earshot import` (format auto:
// Earshot, X, Mastodon, Reddit and Bluesky lines, detected per line).
import FuzzSupport

FuzzEntry.run(seeds: { SourceImport.seeds(["x.jsonl", "mastodon.jsonl", "reddit.ndjson", "bluesky.jsonl", "bad-lines.jsonl"]) }) { bytes in
    SourceImport.read(bytes, format: .auto)
}
