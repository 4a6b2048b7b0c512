/*
 * sha256 — SHA-256 of a byte range as hex, the one hash of the project:
 * the content hash of every input file, the digests of what the store
 * writes (store.h), the fingerprints of an extractor (extract.h).
 *
 * Includes nothing. Pure: any thread. Nothing is allocated.
 */
#ifndef PX_SHA256_H
#define PX_SHA256_H

#include <stddef.h>

#define PX_SHA256_HEX_LEN 64

/* sha256 of data[0..len) as 64 lowercase hex digits + NUL. */
void px_sha256_hex(const void *data, size_t len, char out[PX_SHA256_HEX_LEN + 1]);

#endif
