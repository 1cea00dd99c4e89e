# The two commands of the README, and a few more.
#   make demo   run the whole pipeline locally on a sample stream and print a report
#   make test   run every test (what CI runs)
.PHONY: demo test setup proto proto-check langprofiles-check bench-pipeline

setup:
	@scripts/setup.sh

proto: setup
	scripts/gen-proto.sh

proto-check: setup
	scripts/gen-proto.sh --check

demo: setup
	swift build --product earshot
	.build/debug/earshot demo

# Skipped (exit 0) when the langdetect profiles are not at hand; see scripts/gen-langprofiles.py.
langprofiles-check:
	python3 scripts/gen-langprofiles.py --check

test: proto-check langprofiles-check
	swift build --build-tests
	swift test --skip-build

bench-pipeline: setup
	swift build -c release --product earshot
	.build/release/earshot bench pipeline
