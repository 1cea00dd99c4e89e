#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/Targets (Swift's -sanitize=fuzzer with
# AddressSanitizer, in .build-fuzz) and runs each for a share of
# SECONDS_TOTAL (default 60), starting from its committed seed corpus in
# Fuzz/Corpus/<target>. Exits 1 when a target crashes (a Swift trap, a
# failed check, an ASan report, an input over the time or memory
# limit); the crashing input is kept in .build-fuzz/crashes/.
#   scripts/fuzz.sh [SECONDS_TOTAL]          build, then run every target
#   FUZZ_TARGETS="rpc pipeline" scripts/fuzz.sh 600   only these targets
#   scripts/fuzz.sh --seeds                  rewrite the seeds each target makes in Fuzz/Corpus/*/
#                                            (from real encoded messages and the test fixtures;
#                                            the inputs that once crashed a target stay)
# Inputs found along the way are kept in .build-fuzz/corpus/<target> (reused
# by the next run, never committed). README.md (Development) says more.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets="rpc pipeline json-posts csv-posts listening-query"
targets=${FUZZ_TARGETS:-$all_targets}
mode=run
total=60
case "${1:-}" in
  --seeds) mode=seeds ;;
  "") ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS_TOTAL | --seeds]" >&2; exit 2 ;;
  *) total=$1 ;;
esac

scripts/setup.sh
scratch=.build-fuzz
build_started=$(date +%s)
for target in $targets; do
  EARSHOT_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "fuzz-$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -g
done
bin=$(EARSHOT_FUZZ=1 swift build -c release --scratch-path "$scratch" --show-bin-path)
echo "fuzz: built $(echo $targets | wc -w) targets in $(( $(date +%s) - build_started )) s"

if [ "$mode" = seeds ]; then
  for target in $targets; do
    "$bin/fuzz-$target" -write_seeds="Fuzz/Corpus/$target"
    echo "fuzz: $(ls "Fuzz/Corpus/$target" | wc -l) inputs in Fuzz/Corpus/$target"
  done
  exit 0
fi

count=$(echo $targets | wc -w)
share=$(( total / count > 0 ? total / count : 1 ))
failed=()
mkdir -p "$scratch/crashes"
# LeakSanitizer misses Swift's references that carry enum tags in their spare
# bits and reports the objects behind them as leaked; memory is bounded by
# -rss_limit_mb and -malloc_limit_mb instead. Swift's own crash backtracer
# trips AddressSanitizer, so libFuzzer's report stays the only one.
export ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no
for target in $targets; do
  work="$scratch/corpus/$target"
  mkdir -p "$work"
  echo "== fuzz-$target: $share s =="
  # New inputs go to the first folder (the work corpus); the committed seeds are only read.
  # -timeout: one input may take 10 s (a hang is a finding).
  if ! "$bin/fuzz-$target" "$work" "Fuzz/Corpus/$target" -max_total_time="$share" -timeout=10 \
      -rss_limit_mb=2048 -malloc_limit_mb=512 -detect_leaks=0 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$scratch/crashes/$target-" 2>"$scratch/fuzz-$target.log"; then
    failed+=("$target")
    tail -n 60 "$scratch/fuzz-$target.log" >&2
  fi
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$scratch/fuzz-$target.log" | sort -u | sed "s/^/fuzz-$target /" || true
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAIL: ${failed[*]} (inputs in $scratch/crashes/; rerun one with $bin/fuzz-<target> <input>)" >&2
  exit 1
fi
echo "fuzz: PASS: $count targets, ${share} s each, no crash"
