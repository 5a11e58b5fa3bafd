/*
 * The multi-lane scan kernel, written once with GNU C vector extensions and included by each
 * instantiation (lanes_*.c) after it defines:
 *   KERNEL_NAME    the function's name
 *   KERNEL_TARGET  a function attribute enabling the instruction set, or nothing
 *   LANES          nonces hashed side by side
 *   vec            a type of LANES uint32_t lanes (plain uint32_t when LANES is 1)
 * and optionally CH, MAJ, XOR3 and ROR with instructions of its own (ternary logic, rotates).
 *
 * Work saved per nonce, on top of the midstate:
 *  - block 1 (header bytes 64..79): only word 3 (the nonce) varies. Rounds 0..2 do not depend on
 *    it and run once per call; message words with the constant padding are folded by hand.
 *  - block 2 (the first hash): words 8..15 are padding constants, folded the same way.
 *  - the target test needs the top 32 bits of the hash first, which is state word 7 after
 *    block 2. That word is fixed after round 60, so rounds 61..63 are skipped; lanes whose top
 *    word passes are checked in full by nonce_meets_target.
 */
#include <string.h>

#ifndef ROR
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#endif
#ifndef XOR3
#define XOR3(x, y, z) ((x) ^ (y) ^ (z))
#endif
#ifndef CH
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#endif
#ifndef MAJ
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))
#endif

#define SPLAT(x) (((vec){0}) + (uint32_t)(x))
#define BSIG0(x) XOR3(ROR(x, 2), ROR(x, 13), ROR(x, 22))
#define BSIG1(x) XOR3(ROR(x, 6), ROR(x, 11), ROR(x, 25))
#define SSIG0(x) XOR3(ROR(x, 7), ROR(x, 18), (x) >> 3)
#define SSIG1(x) XOR3(ROR(x, 17), ROR(x, 19), (x) >> 10)

/* One round; the moves vanish once the rounds are unrolled. */
#define ROUND(kw)                                                                                          \
  do {                                                                                                     \
    vec t1_ = h + BSIG1(e) + CH(e, f, g) + (kw);                                                           \
    vec t2_ = BSIG0(a) + MAJ(a, b, c);                                                                     \
    h = g;                                                                                                 \
    g = f;                                                                                                 \
    f = e;                                                                                                 \
    e = d + t1_;                                                                                           \
    d = c;                                                                                                 \
    c = b;                                                                                                 \
    b = a;                                                                                                 \
    a = t1_ + t2_;                                                                                         \
  } while (0)

#define EXPAND(w, i) (SSIG1(w[(i) - 2]) + w[(i) - 7] + SSIG0(w[(i) - 15]) + w[(i) - 16])

static inline uint32_t lanes_ssig0(uint32_t x) { return (x >> 7 | x << 25) ^ (x >> 18 | x << 14) ^ (x >> 3); }
static inline uint32_t lanes_ssig1(uint32_t x) {
  return (x >> 17 | x << 15) ^ (x >> 19 | x << 13) ^ (x >> 10);
}

KERNEL_TARGET scan_result KERNEL_NAME(const scan_job *job, uint32_t start, uint32_t count, uint32_t *found,
                                      uint32_t capacity) {
  const uint32_t *k = sha256_k;
  scan_result result = {0, 0};

  /* Per call: block 1 rounds 0..2, and the nonce-free parts of message words 16..19. */
  uint32_t s[8];
  memcpy(s, job->midstate, sizeof s);
  const uint32_t t0 = job->tail[0], t1 = job->tail[1], t2 = job->tail[2];
  const uint32_t pre_w[3] = {t0, t1, t2};
  for (int i = 0; i < 3; i++) {
    uint32_t e = s[4], a = s[0];
    uint32_t x1 = s[7] + ((e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)) +
                  (s[6] ^ (e & (s[5] ^ s[6]))) + k[i] + pre_w[i];
    uint32_t x2 = ((a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)) +
                  ((a & s[1]) | (s[2] & (a | s[1])));
    s[7] = s[6];
    s[6] = s[5];
    s[5] = s[4];
    s[4] = s[3] + x1;
    s[3] = s[2];
    s[2] = s[1];
    s[1] = s[0];
    s[0] = x1 + x2;
  }
  const uint32_t w16 = lanes_ssig0(t1) + t0;
  const uint32_t w17 = lanes_ssig1(80 * 8) + lanes_ssig0(t2) + t1;
  const uint32_t w18_base = lanes_ssig1(w16) + t2;
  const uint32_t w19_base = lanes_ssig1(w17) + lanes_ssig0(0x80000000u);
  const uint32_t top = job->target[7];

  for (uint32_t done = 0; done < count; done += LANES) {
    uint32_t lanes_nonce_be[LANES];
    for (int l = 0; l < LANES; l++) lanes_nonce_be[l] = bswap32(start + done + (uint32_t)l);
    vec n;
    memcpy(&n, lanes_nonce_be, sizeof n);

    /* Block 1 from round 3: W3 = nonce, W4 = 0x80000000, W5..W14 = 0, W15 = 640. */
    vec w[64];
    w[16] = SPLAT(w16);
    w[17] = SPLAT(w17);
    w[18] = SSIG0(n) + w18_base;
    w[19] = n + w19_base;
    w[20] = SSIG1(w[18]) + 0x80000000u;
    w[21] = SSIG1(w[19]);
    w[22] = SSIG1(w[20]) + 80 * 8;
    w[23] = SSIG1(w[21]) + w[16];
    w[24] = SSIG1(w[22]) + w[17];
    w[25] = SSIG1(w[23]) + w[18];
    w[26] = SSIG1(w[24]) + w[19];
    w[27] = SSIG1(w[25]) + w[20];
    w[28] = SSIG1(w[26]) + w[21];
    w[29] = SSIG1(w[27]) + w[22];
    w[30] = SSIG1(w[28]) + w[23] + lanes_ssig0(80 * 8);
    w[31] = SSIG1(w[29]) + w[24] + SSIG0(w[16]) + 80 * 8;
    w[32] = SSIG1(w[30]) + w[25] + SSIG0(w[17]) + w[16];
    w[33] = SSIG1(w[31]) + w[26] + SSIG0(w[18]) + w[17];
#pragma GCC unroll 32
    for (int i = 34; i < 64; i++) w[i] = EXPAND(w, i);

    vec a = SPLAT(s[0]), b = SPLAT(s[1]), c = SPLAT(s[2]), d = SPLAT(s[3]);
    vec e = SPLAT(s[4]), f = SPLAT(s[5]), g = SPLAT(s[6]), h = SPLAT(s[7]);
    ROUND(n + k[3]);
    ROUND(SPLAT(k[4] + 0x80000000u));
#pragma GCC unroll 10
    for (int i = 5; i < 15; i++) ROUND(SPLAT(k[i]));
    ROUND(SPLAT(k[15] + 80 * 8));
#pragma GCC unroll 48
    for (int i = 16; i < 64; i++) ROUND(w[i] + k[i]);

    /* Block 2: the first hash, then W8 = 0x80000000, W9..W14 = 0, W15 = 256. */
    w[0] = a + job->midstate[0];
    w[1] = b + job->midstate[1];
    w[2] = c + job->midstate[2];
    w[3] = d + job->midstate[3];
    w[4] = e + job->midstate[4];
    w[5] = f + job->midstate[5];
    w[6] = g + job->midstate[6];
    w[7] = h + job->midstate[7];
    w[16] = SSIG0(w[1]) + w[0];
    w[17] = SSIG0(w[2]) + w[1] + lanes_ssig1(32 * 8);
    w[18] = SSIG1(w[16]) + SSIG0(w[3]) + w[2];
    w[19] = SSIG1(w[17]) + SSIG0(w[4]) + w[3];
    w[20] = SSIG1(w[18]) + SSIG0(w[5]) + w[4];
    w[21] = SSIG1(w[19]) + SSIG0(w[6]) + w[5];
    w[22] = SSIG1(w[20]) + SSIG0(w[7]) + w[6] + 32 * 8;
    w[23] = SSIG1(w[21]) + w[16] + w[7] + lanes_ssig0(0x80000000u);
    w[24] = SSIG1(w[22]) + w[17] + 0x80000000u;
    w[25] = SSIG1(w[23]) + w[18];
    w[26] = SSIG1(w[24]) + w[19];
    w[27] = SSIG1(w[25]) + w[20];
    w[28] = SSIG1(w[26]) + w[21];
    w[29] = SSIG1(w[27]) + w[22];
    w[30] = SSIG1(w[28]) + w[23] + lanes_ssig0(32 * 8);
    w[31] = SSIG1(w[29]) + w[24] + SSIG0(w[16]) + 32 * 8;
#pragma GCC unroll 29
    for (int i = 32; i < 61; i++) w[i] = EXPAND(w, i);

    a = SPLAT(sha256_iv[0]);
    b = SPLAT(sha256_iv[1]);
    c = SPLAT(sha256_iv[2]);
    d = SPLAT(sha256_iv[3]);
    e = SPLAT(sha256_iv[4]);
    f = SPLAT(sha256_iv[5]);
    g = SPLAT(sha256_iv[6]);
    h = SPLAT(sha256_iv[7]);
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++) ROUND(w[i] + k[i]);
    ROUND(SPLAT(k[8] + 0x80000000u));
#pragma GCC unroll 6
    for (int i = 9; i < 15; i++) ROUND(SPLAT(k[i]));
    ROUND(SPLAT(k[15] + 32 * 8));
#pragma GCC unroll 45
    for (int i = 16; i < 61; i++) ROUND(w[i] + k[i]);
    /* After round 60, e is what h would be after round 63. */
    vec top_word = e + sha256_iv[7];

    uint32_t tops[LANES];
    memcpy(tops, &top_word, sizeof tops);
    uint32_t lanes_left = count - done < LANES ? count - done : LANES;
    for (uint32_t l = 0; l < lanes_left; l++) {
      if (bswap32(tops[l]) > top) continue;
      uint32_t nonce = start + done + l;
      if (!nonce_meets_target(job, nonce)) continue;
      found[result.found++] = nonce;
      if (result.found == capacity) {
        result.hashes = done + l + 1;
        return result;
      }
    }
  }
  result.hashes = count;
  return result;
}
