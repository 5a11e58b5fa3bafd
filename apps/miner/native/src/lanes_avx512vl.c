/* 8 nonces per 256-bit register with AVX-512VL's rotate and three-input logic (no 512-bit frequency drop). */
#include "sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define KERNEL_NAME scan_avx512vl
#define KERNEL_TARGET __attribute__((target("avx2,avx512f,avx512vl")))
#define LANES 8
typedef uint32_t vec __attribute__((vector_size(32)));
#define ROR(x, n) ((vec)_mm256_ror_epi32((__m256i)(x), (n)))
#define TERNARY(x, y, z, imm) ((vec)_mm256_ternarylogic_epi32((__m256i)(x), (__m256i)(y), (__m256i)(z), (imm)))
/* Truth tables over (x, y, z): parity, x ? y : z, majority. */
#define XOR3(x, y, z) TERNARY(x, y, z, 0x96)
#define CH(e, f, g) TERNARY(e, f, g, 0xca)
#define MAJ(a, b, c) TERNARY(a, b, c, 0xe8)

#include "lanes_body.h"

#endif
