// libFuzzer's entry point for a program with a main of its own
// (https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library);
// linked in by swiftc -sanitize=fuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
