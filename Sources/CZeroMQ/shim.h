// The libzmq C API (Debian: libzmq3-dev), plus the few helpers Swift cannot
// express directly (errno is a macro on glibc).
#ifndef EARSHOT_CZEROMQ_SHIM_H
#define EARSHOT_CZEROMQ_SHIM_H

#include <zmq.h>
#include <errno.h>

/// The calling thread's errno, readable from Swift.
static inline int earshot_zmq_errno(void) { return zmq_errno(); }

#endif
