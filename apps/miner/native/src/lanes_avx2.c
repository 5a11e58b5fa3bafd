/* 8 nonces per AVX2 register. */
#include "sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)

#define KERNEL_NAME scan_avx2
#define KERNEL_TARGET __attribute__((target("avx2")))
#define LANES 8
typedef uint32_t vec __attribute__((vector_size(32)));

#include "lanes_body.h"

#endif
