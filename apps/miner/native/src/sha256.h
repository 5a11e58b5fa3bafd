/*
 * SHA-256 pieces shared by every scan kernel: constants, the scan job, a scalar compression
 * and the exact target check. A header's sha256d is three compressions: the first 64 bytes
 * (the midstate, done once per job in JavaScript), the last 16 bytes plus padding, and the
 * 32-byte first hash plus padding. Kernels only run the last two, per nonce.
 */
#ifndef MINER_SHA256_H
#define MINER_SHA256_H

#include <stdint.h>

/* What a kernel needs for one job; every word is a SHA-256 (big-endian) message or state word. */
typedef struct {
  uint32_t midstate[8]; /* state after the header's first 64 bytes */
  uint32_t tail[3];     /* header bytes 64..75: merkle root tail, time, bits */
  uint32_t target[8];   /* share target as little-endian 32-bit words: target[7] is the top */
} scan_job;

typedef struct {
  uint32_t hashes; /* nonces hashed: all of them unless the found buffer filled up */
  uint32_t found;  /* nonces written to the found buffer */
} scan_result;

/*
 * Hashes nonces start, start+1, ... (count of them, wrapping modulo 2^32) and writes those whose
 * hash meets the target to found[], in nonce order. Stops early once capacity nonces are found.
 */
typedef scan_result (*scan_kernel)(const scan_job *job, uint32_t start, uint32_t count, uint32_t *found,
                                   uint32_t capacity);

extern const uint32_t sha256_k[64];
extern const uint32_t sha256_iv[8];

static inline uint32_t bswap32(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

/* One compression of a 16-word block into state. */
void sha256_compress(uint32_t state[8], const uint32_t block[16]);

/* sha256d state words of the header with this nonce (hash bytes are these words big-endian). */
void sha256d_nonce(const scan_job *job, uint32_t nonce, uint32_t out[8]);

/* Whether a final state, read as Bitcoin reads a hash (a little-endian 256-bit number), is <= target. */
int state_meets_target(const uint32_t state[8], const uint32_t target[8]);

/* Full check of one candidate nonce, shared by the kernels after their cheap top-word filter. */
static inline int nonce_meets_target(const scan_job *job, uint32_t nonce) {
  uint32_t state[8];
  sha256d_nonce(job, nonce, state);
  return state_meets_target(state, job->target);
}

#endif
