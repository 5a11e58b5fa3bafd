/* Runtime CPU feature detection: a kernel is offered only where the CPU and the OS support it. */
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

typedef struct {
  int ssse3, sse41, avx2, avx512f, avx512vl, sha;
} cpu_features;

static cpu_features detect(void) {
  cpu_features f = {0};
  uint32_t a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  f.ssse3 = (c >> 9) & 1;
  f.sse41 = (c >> 19) & 1;
  int osxsave = (c >> 27) & 1;
  int avx = (c >> 28) & 1;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return f;
  f.sha = (b >> 29) & 1;
  /* The OS must save the wider registers across context switches (XCR0), or they are unusable. */
  uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  int ymm_ok = avx && (xcr0 & 0x6) == 0x6;
  int zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0;
  f.avx2 = ymm_ok && ((b >> 5) & 1);
  f.avx512f = zmm_ok && ((b >> 16) & 1);
  f.avx512vl = f.avx512f && ((b >> 31) & 1);
  return f;
}

uint32_t available_kernels(kernel_info list[MAX_KERNELS]) {
  cpu_features f = detect();
  uint32_t n = 0;
  if (f.avx512f) list[n++] = (kernel_info){"avx512", 16, scan_avx512};
  if (f.avx512vl) list[n++] = (kernel_info){"avx512vl", 8, scan_avx512vl};
  if (f.sha && f.ssse3 && f.sse41) list[n++] = (kernel_info){"sha-ni", SHA_NI_STREAMS, scan_sha_ni};
  if (f.avx2) list[n++] = (kernel_info){"avx2", 8, scan_avx2};
  list[n++] = (kernel_info){"sse2", 4, scan_vec128};
  list[n++] = (kernel_info){"generic", 1, scan_generic};
  return n;
}

#else

uint32_t available_kernels(kernel_info list[MAX_KERNELS]) {
  uint32_t n = 0;
#if defined(__aarch64__)
  list[n++] = (kernel_info){"neon", 4, scan_vec128};
#endif
  list[n++] = (kernel_info){"generic", 1, scan_generic};
  return n;
}

#endif
