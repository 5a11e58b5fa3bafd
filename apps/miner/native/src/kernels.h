/* The scan kernels and the CPU features each needs. */
#ifndef MINER_KERNELS_H
#define MINER_KERNELS_H

#include "sha256.h"

typedef struct {
  const char *name;
  uint32_t lanes; /* nonces hashed side by side */
  scan_kernel scan;
} kernel_info;

#define MAX_KERNELS 6

/* Nonces the SHA-NI kernel interleaves (see sha_ni.c for the measurements behind it). */
#define SHA_NI_STREAMS 3

/* Writes the kernels this CPU and OS can run to out, fastest first (as measured); returns how many. */
uint32_t available_kernels(kernel_info out[MAX_KERNELS]);

scan_result scan_generic(const scan_job *, uint32_t, uint32_t, uint32_t *, uint32_t);
scan_result scan_vec128(const scan_job *, uint32_t, uint32_t, uint32_t *, uint32_t);
#if defined(__x86_64__) && defined(__GNUC__)
scan_result scan_avx2(const scan_job *, uint32_t, uint32_t, uint32_t *, uint32_t);
scan_result scan_avx512vl(const scan_job *, uint32_t, uint32_t, uint32_t *, uint32_t);
scan_result scan_avx512(const scan_job *, uint32_t, uint32_t, uint32_t *, uint32_t);
scan_result scan_sha_ni(const scan_job *, uint32_t, uint32_t, uint32_t *, uint32_t);
#endif

#endif
