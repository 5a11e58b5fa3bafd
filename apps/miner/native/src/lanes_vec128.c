/*
 * 4 nonces per 128-bit vector in plain GNU C vectors, with no target attribute: the compiler
 * uses the baseline vector unit, SSE2 on x86-64 and NEON on arm64, and plain scalar code elsewhere.
 */
#include "sha256.h"

#define KERNEL_NAME scan_vec128
#define KERNEL_TARGET
#define LANES 4
typedef uint32_t vec __attribute__((vector_size(16)));

#include "lanes_body.h"
