# Formats the lines printed by vader_bench.py and earshot-bench-sentiment
# ("<side> <corpus> texts=N r=R f1=F texts_per_s=S ...", "memory ...", "stage <step> us_per_text=T") into
# the comparison table of scripts/bench-sentiment.sh.

function field(name,    i, pair) {
    for (i = 3; i <= NF; i++) {
        split($i, pair, "=")
        if (pair[1] == name) return pair[2]
    }
    return ""
}

$1 == "memory" {
    for (i = 2; i <= NF; i++) { split($i, pair, "="); memory[pair[1]] = pair[2] }
    next
}

$1 == "stage" && $3 ~ /^us_per_text=/ {
    split($3, pair, "=")
    stages = stages sprintf("  %-22s %6.3f us/text\n", $2, pair[2])
    next
}

$1 == "vader" || $1 == "ours" || $1 == "whole" {
    side = $1; corpus = $2
    if (!(corpus in seen)) { seen[corpus] = 1; order[++count] = corpus }
    texts[corpus] = field("texts")
    r[side, corpus] = field("r")
    f1[side, corpus] = field("f1")
    rate[side, corpus] = field("texts_per_s")
}

END {
    printf "%-8s %6s | %-28s | %-28s | %8s\n", "", "", "vaderSentiment 3.3.2", "Earshot Sentiment", ""
    printf "%-8s %6s | %7s %7s %12s | %7s %7s %12s | %8s\n", "corpus", "texts", "r", "F1", "texts/s", "r", "F1", "texts/s", "speed-up"
    for (i = 1; i <= count; i++) {
        c = order[i]
        printf "%-8s %6d | %7.4f %7.4f %12.0f | %7.4f %7.4f %12.0f | %7.1fx\n", c, texts[c], r["vader", c], f1["vader", c], rate["vader", c], r["ours", c], f1["ours", c], rate["ours", c], rate["ours", c] / rate["vader", c]
        vaderSeconds += texts[c] / rate["vader", c]
        oursSeconds += texts[c] / rate["ours", c]
        total += texts[c]
    }
    printf "%-8s %6d | %7s %7s %12.0f | %7s %7s %12.0f | %7.1fx\n", "all", total, "", "", total / vaderSeconds, "", "", total / oursSeconds, vaderSeconds / oursSeconds
    printf "\n%-8s %6s | %12s | %-36s | %8s\n", "", "", "vaderSentiment", "Earshot: earshot analyze's line work", ""
    printf "%-8s %6s | %12s | %36s | %8s\n", "corpus", "texts", "texts/s", "texts/s", "speed-up"
    for (i = 1; i <= count; i++) {
        c = order[i]
        printf "%-8s %6d | %12.0f | %36.0f | %7.1fx\n", c, texts[c], rate["vader", c], rate["whole", c], rate["whole", c] / rate["vader", c]
        wholeSeconds += texts[c] / rate["whole", c]
    }
    printf "%-8s %6d | %12.0f | %36.0f | %7.1fx\n", "all", total, total / vaderSeconds, total / wholeSeconds, vaderSeconds / wholeSeconds
    printf "(language identification, entities, sentiment and the JSON output line, no I/O)\n"
    if (stages != "") printf "\nEach step of that line timed alone, all corpora (fastest pass):\n%s", stages
    printf "\nEarshot lexicon: %d entries, tables %.1f MB, process RSS growth on load %.1f MB\n", memory["lexicon_entries"], memory["lexicon_bytes"] / 1048576, memory["rss_delta_bytes"] / 1048576
    for (i = 1; i <= count; i++) {
        c = order[i]
        if (r["ours", c] < r["vader", c] || f1["ours", c] < f1["vader", c]) print "WARNING: Earshot below VADER on " c
        if (rate["ours", c] < 20 * rate["vader", c]) print "WARNING: Earshot sentiment less than 20x faster on " c
        if (rate["whole", c] < 20 * rate["vader", c]) print "WARNING: earshot analyze's line work less than 20x faster on " c
    }
}
