// libsodium (Debian: libsodium-dev, which libzmq3-dev depends on): the MAC that
// seals pipeline batches and the hash behind key fingerprints.
#ifndef EARSHOT_CSODIUM_SHIM_H
#define EARSHOT_CSODIUM_SHIM_H

#include <sodium.h>

#endif
