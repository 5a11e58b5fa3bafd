import { MinerError } from '../minerError.js';
import { createCryptoEngine } from './cryptoEngine.js';
import type { HashEngine } from './engine.js';
import { createJsEngine } from './jsEngine.js';
import { defaultNativeAddon, type NativeLoad } from './nativeAddon.js';
import { createNativeEngine, NATIVE_PREFIX } from './nativeEngine.js';

/** An engine this process knows of, and whether it can run here. */
export interface EngineInfo {
  readonly name: string;
  readonly available: boolean;
  /** Why it cannot run (only when unavailable). */
  readonly reason?: string;
}

export interface EngineOptions {
  /** The native addon as loaded; by default the one `pnpm run build` made (`defaultNativeAddon`). */
  readonly native?: NativeLoad;
}

const GENERIC = `${NATIVE_PREFIX}generic`;

/**
 * Every engine, fastest first: the native vector kernels in the addon's order (measured on one
 * core of a Sapphire Rapids class Xeon: avx512 40 MH/s, avx512vl 25, sha-ni 18.6, avx2 15.2,
 * sse2 7.8), then `js` (3.7), the scalar C kernel `native-generic` (3.5) and `crypto` (0.3).
 * When the addon is missing, one unavailable `native` entry says why.
 */
export function listEngines(options: EngineOptions = {}): EngineInfo[] {
  const native = options.native ?? defaultNativeAddon();
  const kernels: EngineInfo[] = native.ok
    ? native.addon.kernels().map((kernel) => ({ name: `${NATIVE_PREFIX}${kernel.name}`, available: true }))
    : [{ name: 'native', available: false, reason: native.reason }];
  const js = jsAvailability();
  const jsInfo: EngineInfo =
    js === true ? { name: 'js', available: true } : { name: 'js', available: false, reason: js };
  // Scalar C measured no faster than the generated js kernel (3.5 against 3.7 MH/s): js goes first.
  const generic = kernels.filter((k) => k.name === GENERIC);
  return [
    ...kernels.filter((k) => k.name !== GENERIC),
    jsInfo,
    ...generic,
    { name: 'crypto', available: true },
  ];
}

/** Names of the engines that can run here, fastest first. */
export function availableEngineNames(options: EngineOptions = {}): string[] {
  return listEngines(options)
    .filter((engine) => engine.available)
    .map((engine) => engine.name);
}

/** Creates an engine by name; throws ENGINE_UNKNOWN or ENGINE_UNAVAILABLE (with the reason). */
export function createEngine(name: string, options: EngineOptions = {}): HashEngine {
  if (name === 'crypto') return createCryptoEngine();
  if (name === 'js') {
    const js = jsAvailability();
    if (js !== true) throw new MinerError('ENGINE_UNAVAILABLE', `engine js cannot run: ${js}`, { name });
    return createJsEngine();
  }
  if (name.startsWith(NATIVE_PREFIX) || name === 'native') {
    const native = options.native ?? defaultNativeAddon();
    if (!native.ok) {
      throw new MinerError('ENGINE_UNAVAILABLE', `engine ${name} cannot run: ${native.reason}`, { name });
    }
    const kernels = native.addon.kernels();
    const index = name === 'native' ? 0 : kernels.findIndex((k) => `${NATIVE_PREFIX}${k.name}` === name);
    if (index < 0) {
      const offered = kernels.map((k) => `${NATIVE_PREFIX}${k.name}`).join(', ');
      throw new MinerError(
        'ENGINE_UNAVAILABLE',
        `engine ${name} is not supported by this CPU (it has ${offered})`,
        {
          name,
        },
      );
    }
    return createNativeEngine(native.addon, index);
  }
  throw new MinerError('ENGINE_UNKNOWN', `unknown engine ${name}: expected native-*, js or crypto`, { name });
}

/** The fastest engine that can run here: a native kernel when the addon loads, else `js`. */
export function selectEngine(options: EngineOptions = {}): HashEngine {
  const [fastest] = availableEngineNames(options);
  return createEngine(fastest ?? 'crypto', options);
}

let jsCheck: true | string | undefined;

/** The js engine compiles generated code: true, or why that is refused here. */
function jsAvailability(): true | string {
  if (jsCheck === undefined) {
    try {
      createJsEngine();
      jsCheck = true;
    } catch (error) {
      jsCheck = `cannot compile its kernel: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return jsCheck;
}
