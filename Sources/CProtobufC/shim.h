// The libprotobuf-c runtime (Debian: libprotobuf-c-dev).
#ifndef EARSHOT_CPROTOBUFC_SHIM_H
#define EARSHOT_CPROTOBUFC_SHIM_H

#include <protobuf-c/protobuf-c.h>

#endif
