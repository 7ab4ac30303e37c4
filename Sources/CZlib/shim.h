#ifndef FAIRUSE_CZLIB_SHIM_H
#define FAIRUSE_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 / inflateInit are macros that Swift cannot call; these wrappers pass the
// library's version and z_stream size as the macros do.

/// Starts a zlib (RFC 1950) deflate stream at `level` with `strategy` (Z_DEFAULT_STRATEGY, Z_RLE, ...).
static inline int czlib_deflate_init(z_streamp stream, int level, int strategy) {
    return deflateInit2(stream, level, Z_DEFLATED, 15, 8, strategy);
}

/// Starts a zlib (RFC 1950) inflate stream; raw deflate and gzip headers are refused.
static inline int czlib_inflate_init(z_streamp stream) {
    return inflateInit2(stream, 15);
}

#endif
