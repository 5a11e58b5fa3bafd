/* One nonce at a time in plain C: the kernel for any CPU the vector kernels do not cover. */
#include "sha256.h"

#define KERNEL_NAME scan_generic
#define KERNEL_TARGET
#define LANES 1
typedef uint32_t vec;

#include "lanes_body.h"
