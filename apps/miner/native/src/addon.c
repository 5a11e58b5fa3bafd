/*
 * Node-API glue for the scan kernels. Exports:
 *   kernels(): { name, lanes }[]      kernels this CPU can run, fastest first
 *   scan(kernel, job, start, count, found): { hashes, found }
 *       kernel  index into kernels()
 *       job     Uint32Array of 19 words: midstate[8], tail[3], target[8] (see sha256.h)
 *       start   first nonce (u32); count nonces are hashed, 0..2^32, wrapping modulo 2^32
 *       found   Uint32Array receiving the nonces that meet the target; the scan stops when full
 *   sha256d(job, nonce): Uint8Array   the header's hash for that nonce, in internal byte order
 * Loadable in worker threads: the kernel list lives in per-instance data.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

#define JOB_WORDS 19

typedef struct {
  kernel_info kernels[MAX_KERNELS];
  uint32_t count;
} addon_state;

#define CHECK(env, call)                                                                                   \
  do {                                                                                                     \
    if ((call) != napi_ok) {                                                                               \
      napi_throw_error((env), NULL, "node-api call failed: " #call);                                      \
      return NULL;                                                                                         \
    }                                                                                                      \
  } while (0)

static napi_value throw_range(napi_env env, const char *message) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", message);
  return NULL;
}

/* Reads a Uint32Array argument; returns its data and length, or NULL (with a JS error thrown). */
static uint32_t *get_u32_array(napi_env env, napi_value value, size_t *length, const char *what) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok ||
      type != napi_uint32_array) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  return (uint32_t *)data;
}

static int read_job(napi_env env, napi_value value, scan_job *job) {
  size_t length = 0;
  uint32_t *words = get_u32_array(env, value, &length, "job must be a Uint32Array of 19 words");
  if (words == NULL) return 0;
  if (length != JOB_WORDS) {
    throw_range(env, "job must be a Uint32Array of 19 words");
    return 0;
  }
  memcpy(job->midstate, words, sizeof job->midstate);
  memcpy(job->tail, words + 8, sizeof job->tail);
  memcpy(job->target, words + 11, sizeof job->target);
  return 1;
}

static int read_integer(napi_env env, napi_value value, double max, double *out, const char *what) {
  if (napi_get_value_double(env, value, out) != napi_ok || !(*out >= 0 && *out <= max) ||
      *out != (double)(uint64_t)*out) {
    throw_range(env, what);
    return 0;
  }
  return 1;
}

static napi_value kernels(napi_env env, napi_callback_info info) {
  (void)info;
  addon_state *state = NULL;
  CHECK(env, napi_get_instance_data(env, (void **)&state));
  napi_value list;
  CHECK(env, napi_create_array_with_length(env, state->count, &list));
  for (uint32_t i = 0; i < state->count; i++) {
    napi_value item, name, lanes;
    CHECK(env, napi_create_object(env, &item));
    CHECK(env, napi_create_string_utf8(env, state->kernels[i].name, NAPI_AUTO_LENGTH, &name));
    CHECK(env, napi_create_uint32(env, state->kernels[i].lanes, &lanes));
    CHECK(env, napi_set_named_property(env, item, "name", name));
    CHECK(env, napi_set_named_property(env, item, "lanes", lanes));
    CHECK(env, napi_set_element(env, list, i, item));
  }
  return list;
}

static napi_value scan(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 5) return throw_range(env, "scan(kernel, job, start, count, found) takes 5 arguments");
  addon_state *state = NULL;
  CHECK(env, napi_get_instance_data(env, (void **)&state));

  double kernel_index, start, count;
  if (!read_integer(env, argv[0], state->count - 1, &kernel_index, "kernel index out of range")) return NULL;
  scan_job job;
  if (!read_job(env, argv[1], &job)) return NULL;
  if (!read_integer(env, argv[2], 4294967295.0, &start, "start must be a u32")) return NULL;
  if (!read_integer(env, argv[3], 4294967296.0, &count, "count must be an integer in 0..2^32")) return NULL;
  size_t capacity = 0;
  uint32_t *found = get_u32_array(env, argv[4], &capacity, "found must be a Uint32Array");
  if (found == NULL) return NULL;
  if (capacity == 0 || capacity > 0xffffffffu) return throw_range(env, "found must hold 1..2^32-1 nonces");

  scan_kernel kernel = state->kernels[(uint32_t)kernel_index].scan;
  /* Kernels take a u32 count; hash at most 2^31 per call so their counters cannot wrap. */
  uint64_t left = (uint64_t)count;
  uint32_t nonce = (uint32_t)start;
  double hashes = 0;
  uint32_t total_found = 0;
  while (left > 0 && total_found < capacity) {
    uint32_t chunk = left > 0x80000000u ? 0x80000000u : (uint32_t)left;
    scan_result r = kernel(&job, nonce, chunk, found + total_found, (uint32_t)capacity - total_found);
    hashes += r.hashes;
    total_found += r.found;
    left -= r.hashes;
    nonce += r.hashes;
  }

  napi_value result, hashes_value, found_value;
  CHECK(env, napi_create_object(env, &result));
  CHECK(env, napi_create_double(env, hashes, &hashes_value));
  CHECK(env, napi_create_uint32(env, total_found, &found_value));
  CHECK(env, napi_set_named_property(env, result, "hashes", hashes_value));
  CHECK(env, napi_set_named_property(env, result, "found", found_value));
  return result;
}

static napi_value sha256d(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 2) return throw_range(env, "sha256d(job, nonce) takes 2 arguments");
  scan_job job;
  if (!read_job(env, argv[0], &job)) return NULL;
  double nonce;
  if (!read_integer(env, argv[1], 4294967295.0, &nonce, "nonce must be a u32")) return NULL;
  uint32_t state[8];
  sha256d_nonce(&job, (uint32_t)nonce, state);

  napi_value buffer, array;
  void *data = NULL;
  CHECK(env, napi_create_arraybuffer(env, 32, &data, &buffer));
  uint8_t *bytes = data;
  for (int i = 0; i < 8; i++) {
    bytes[4 * i] = (uint8_t)(state[i] >> 24);
    bytes[4 * i + 1] = (uint8_t)(state[i] >> 16);
    bytes[4 * i + 2] = (uint8_t)(state[i] >> 8);
    bytes[4 * i + 3] = (uint8_t)state[i];
  }
  CHECK(env, napi_create_typedarray(env, napi_uint8_array, 32, buffer, 0, &array));
  return array;
}

static void free_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  addon_state *state = calloc(1, sizeof *state);
  if (state == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  state->count = available_kernels(state->kernels);
  if (napi_set_instance_data(env, state, free_state, NULL) != napi_ok) {
    free(state);
    napi_throw_error(env, NULL, "node-api call failed: napi_set_instance_data");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"kernels", NULL, kernels, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scan", NULL, scan, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha256d", NULL, sha256d, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
