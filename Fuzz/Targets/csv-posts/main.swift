// Fuzz target: a CSV file given to `earshot import --format csv` (header,
// separator detection, RFC 4180 quoting across lines).
import FuzzSupport

let seeds = SourceImport.seeds(["posts.csv"]) + [
    ("semicolons.csv", Array("id;created_at;text;author\n1;2026-01-02T03:04:05Z;\"Hallo; \"\"Welt\"\"\nzweite Zeile\";anna\n".utf8)),
    ("tabs.csv", Array("text\tdate\tlikes\nhello there\t1767323045\t12\n".utf8)),
]
FuzzEntry.run(seeds: { seeds }) { bytes in SourceImport.read(bytes, format: .csv) }
