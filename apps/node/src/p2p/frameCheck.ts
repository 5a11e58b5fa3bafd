import { MAX_HEADERS_PER_MESSAGE } from './messages.js';

/** Every message but `block` and `headers` is small: a hello, a locator, a tx of at most 4 KB. */
export const SMALL_MESSAGE_CHARS = 16 * 1024;
/** A `headers` message: 2,000 headers of 160 hex digits, quoted and separated, plus its frame. */
const HEADERS_MESSAGE_CHARS = MAX_HEADERS_PER_MESSAGE * 163 + 256;
/** No message of the protocol nests deeper than an object holding one array. */
const MAX_OPENERS = 4;

const TYPE_PREFIX = /^\s*\{\s*"type"\s*:\s*"([a-z]{1,16})"/;

/**
 * What a peer's text frame may be, decided before JSON.parse looks at it: its size for its type
 * (read from the `"type"` the protocol writes first; a frame without that prefix may only be
 * small) and at most a few `{`/`[`, so megabytes of nested brackets are refused in one linear scan.
 * Returns why the frame is refused, or undefined.
 */
export function checkFrame(text: string, maxBlockChars: number): string | undefined {
  const type = TYPE_PREFIX.exec(text.slice(0, 64))?.[1];
  const limit =
    type === 'block' ? maxBlockChars : type === 'headers' ? HEADERS_MESSAGE_CHARS : SMALL_MESSAGE_CHARS;
  if (text.length > limit)
    return `${type ?? 'untyped'} message of ${text.length} characters (limit ${limit})`;
  let openers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 0x7b || c === 0x5b) && ++openers > MAX_OPENERS) return 'message nested too deep';
  }
  return undefined;
}
