/* sha256 — see sha256.h. */
#include "sha256.h"

#include <sha2.h>
#include <stdint.h>
#include <string.h>

#include "banned.h"

/*
 * The x86 SHA extensions hash about ten times faster than libmd's portable
 * code (every input file is hashed, and every extraction stored); they are used
 * when the CPU has them (checked once), and libmd otherwise. Same digest.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <stdatomic.h>
#include <immintrin.h>

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Hash nblocks 64-byte blocks of p into state (the SHA-NI round instructions). */
__attribute__((target("sha,sse4.1,ssse3"))) static void
sha_blocks_ni(uint32_t state[8], const unsigned char *p, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)&state[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);       /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);         /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);      /* CDGH */
    for (; nblocks; nblocks--, p += 64) {
        __m128i abef = s0, cdgh = s1, w[4];
        for (int i = 0; i < 16; i++) {
            __m128i *wi = &w[i & 3];
            if (i < 4) {
                *wi = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
            } else {
                __m128i w1 = w[(i + 1) & 3], w2 = w[(i + 2) & 3], w3 = w[(i + 3) & 3];
                __m128i t =
                    _mm_add_epi32(_mm_sha256msg1_epu32(*wi, w1), _mm_alignr_epi8(w3, w2, 4));
                *wi = _mm_sha256msg2_epu32(t, w3);
            }
            __m128i m = _mm_add_epi32(*wi, _mm_loadu_si128((const __m128i *)&sha_k[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, m);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    tmp = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);    /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);    /* ABEF */
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}

static int
have_sha_ni(void)
{
    /* Threads may ask at once: each computes the same answer, and the atomic makes the
     * shared cache well defined. */
    static _Atomic int known = -1;
    int v = atomic_load_explicit(&known, memory_order_relaxed);
    if (v < 0) {
        unsigned a, b, c, d;
        int sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
        int sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19)) && (c & (1u << 9));
        v = sha && sse41;
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v;
}

static int
sha256_ni(const void *data, size_t len, char out[65])
{
    if (!have_sha_ni())
        return 0;
    uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = data;
    size_t full = len / 64;
    sha_blocks_ni(st, p, full);
    unsigned char last[128] = {0};
    size_t rest = len - full * 64;
    memcpy(last, p + full * 64, rest);
    last[rest] = 0x80;
    size_t nlast = rest + 9 <= 64 ? 1 : 2;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        last[nlast * 64 - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha_blocks_ni(st, last, nlast);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            out[8 * i + j] = hex[(st[i] >> (28 - 4 * j)) & 0xF];
    out[64] = '\0';
    return 1;
}
#else
static int
sha256_ni(const void *data, size_t len, char out[65])
{
    (void)data, (void)len, (void)out;
    return 0;
}
#endif

void
px_sha256_hex(const void *data, size_t len, char out[PX_SHA256_HEX_LEN + 1])
{
    if (!sha256_ni(data, len, out))
        SHA256Data(data, len, out);
}
