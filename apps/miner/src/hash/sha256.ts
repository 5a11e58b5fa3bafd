/**
 * SHA-256 compression in TypeScript: used once per job for the midstate (node:crypto does not
 * expose one) and for the full check of candidate nonces. The per-nonce hot path of the `js`
 * engine is the generated kernel in `jsKernel.ts`.
 */

/** Round constants, as signed 32-bit integers (what `| 0` arithmetic produces). */
export const SHA256_K: readonly number[] = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
].map((k) => k | 0);

/** Initial state, as signed 32-bit integers. */
export const SHA256_IV: readonly number[] = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
].map((v) => v | 0);

/** Small sigma 0 of the message schedule. */
export function ssig0(x: number): number {
  return ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
}

/** Small sigma 1 of the message schedule. */
export function ssig1(x: number): number {
  return ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10);
}

/**
 * One round on a state held as [a, b, c, d, e, f, g, h] (mutated), with `kw` = K[i] + W[i].
 * Exported so the kernel's per-job precomputation and this file share one definition.
 */
export function sha256Round(s: Int32Array, kw: number): void {
  const e = s[4] as number;
  const a = s[0] as number;
  const f = s[5] as number;
  const g = s[6] as number;
  const b = s[1] as number;
  const c = s[2] as number;
  const t1 =
    ((s[7] as number) +
      (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
      (g ^ (e & (f ^ g))) +
      kw) |
    0;
  const t2 =
    ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
      ((a & b) | (c & (a | b)))) |
    0;
  s[7] = g;
  s[6] = f;
  s[5] = e;
  s[4] = ((s[3] as number) + t1) | 0;
  s[3] = c;
  s[2] = b;
  s[1] = a;
  s[0] = (t1 + t2) | 0;
}

/** Compresses one block of 16 message words (big-endian words, as signed ints) into `state`. */
export function sha256Compress(state: Int32Array, block: ArrayLike<number>): void {
  const w = new Int32Array(64);
  for (let i = 0; i < 16; i++) w[i] = block[i] as number;
  for (let i = 16; i < 64; i++) {
    w[i] =
      (ssig1(w[i - 2] as number) +
        (w[i - 7] as number) +
        ssig0(w[i - 15] as number) +
        (w[i - 16] as number)) |
      0;
  }
  const s = Int32Array.from(state);
  for (let i = 0; i < 64; i++) sha256Round(s, ((SHA256_K[i] as number) + (w[i] as number)) | 0);
  for (let i = 0; i < 8; i++) state[i] = ((state[i] as number) + (s[i] as number)) | 0;
}

/** Reads 16 big-endian words from 64 bytes. */
export function bytesToWords(bytes: Uint8Array, offset = 0, count = 16): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  const words = new Int32Array(count);
  for (let i = 0; i < count; i++) words[i] = view.getInt32(i * 4);
  return words;
}

/** The SHA-256 state after the first 64 bytes of `data` (the midstate of an 80-byte header). */
export function sha256Midstate(first64: Uint8Array): Int32Array {
  if (first64.length < 64) throw new RangeError(`midstate needs 64 bytes, got ${first64.length}`);
  const state = Int32Array.from(SHA256_IV);
  sha256Compress(state, bytesToWords(first64, 0, 16));
  return state;
}

/** Writes state words big-endian: the digest bytes. */
export function stateToBytes(state: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) view.setInt32(i * 4, state[i] as number);
  return out;
}
