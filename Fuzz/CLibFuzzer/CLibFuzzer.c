// Only the header matters: LLVMFuzzerRunDriver lives in libFuzzer.
#include "CLibFuzzer.h"
