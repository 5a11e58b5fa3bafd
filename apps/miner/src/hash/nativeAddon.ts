import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A kernel the addon offers on this CPU. */
export interface NativeKernel {
  readonly name: string;
  /** Nonces hashed side by side. */
  readonly lanes: number;
}

/** The addon's exports (apps/miner/native/src/addon.c). */
export interface NativeAddon {
  kernels(): NativeKernel[];
  /** job: midstate[8], tail[3], targetWords[8]. Stops early when `found` is full. */
  scan(
    kernel: number,
    job: Uint32Array,
    start: number,
    count: number,
    found: Uint32Array,
  ): { hashes: number; found: number };
  sha256d(job: Uint32Array, nonce: number): Uint8Array;
}

/** Outcome of loading the addon: the addon, or why there is none (the miner then uses `js`). */
export type NativeLoad =
  | { readonly ok: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly ok: false; readonly reason: string };

export interface NativeLoadOptions {
  /** The .node file; by default the one `pnpm run build` puts in dist/native. */
  readonly path?: string;
  /** Skip the addon (as the environment variable MINER_NATIVE=0 does). */
  readonly disabled?: boolean;
  /** Loads the file; node's require by default. Tests pass one that fails. */
  readonly load?: (path: string) => unknown;
}

/** Where the build script puts the addon: apps/miner/dist/native, from src/hash or dist/hash alike. */
export const DEFAULT_ADDON_PATH = fileURLToPath(
  new URL('../../dist/native/miner_native.node', import.meta.url),
);

/** Loads the native addon, never throwing: a failure is a reason string. */
export function loadNativeAddon(options: NativeLoadOptions = {}): NativeLoad {
  const path = options.path ?? DEFAULT_ADDON_PATH;
  if (options.disabled ?? process.env.MINER_NATIVE === '0') return { ok: false, reason: 'disabled' };
  const load = options.load ?? createRequire(import.meta.url);
  if (!options.load && !existsSync(path)) {
    const note = join(dirname(path), 'BUILD_FAILED');
    if (existsSync(note)) {
      const why = readFileSync(note, 'utf8').split('\n')[0];
      return {
        ok: false,
        reason: `its build failed here (${why}); see the output of pnpm --filter miner run build`,
      };
    }
    return { ok: false, reason: `not built: ${path} is missing (pnpm --filter miner run build)` };
  }
  let addon: unknown;
  try {
    addon = load(path);
  } catch (error) {
    return {
      ok: false,
      reason: `failed to load ${path}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (!isNativeAddon(addon))
    return { ok: false, reason: `${path} does not export kernels, scan and sha256d` };
  return { ok: true, addon, path };
}

function isNativeAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['kernels', 'scan', 'sha256d'].every((key) => typeof record[key] === 'function');
}

let defaultLoad: NativeLoad | undefined;

/** The addon at its default place, loaded once per thread. */
export function defaultNativeAddon(): NativeLoad {
  defaultLoad ??= loadNativeAddon();
  return defaultLoad;
}
