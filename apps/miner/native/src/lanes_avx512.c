/* 16 nonces per AVX-512 register, with its rotate and three-input logic instructions. */
#include "sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define KERNEL_NAME scan_avx512
#define KERNEL_TARGET __attribute__((target("avx512f")))
#define LANES 16
typedef uint32_t vec __attribute__((vector_size(64)));
#define ROR(x, n) ((vec)_mm512_ror_epi32((__m512i)(x), (n)))
#define TERNARY(x, y, z, imm) ((vec)_mm512_ternarylogic_epi32((__m512i)(x), (__m512i)(y), (__m512i)(z), (imm)))
/* Truth tables over (x, y, z): parity, x ? y : z, majority. */
#define XOR3(x, y, z) TERNARY(x, y, z, 0x96)
#define CH(e, f, g) TERNARY(e, f, g, 0xca)
#define MAJ(a, b, c) TERNARY(a, b, c, 0xe8)

#include "lanes_body.h"

#endif
