import { z } from 'zod';

/**
 * The default cap on an answer's body: the largest the node sends to a client is a block of
 * 1 MB as JSON (about 4 MB with every transaction spelled out) or a template (about 3 MB).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** A refusal from the node (4xx with a code), as opposed to the node being unreachable. */
export class NodeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeRefusal';
  }
}

/**
 * An answer from the node that cannot be used: larger than the client's cap, or not of the
 * expected shape (amounts out of range, say). The node is misbehaving, not refusing.
 */
export class NodeAnswerError extends Error {
  constructor(
    message: string,
    /** The body was over the cap (a smaller request may fit). */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'NodeAnswerError';
  }
}

/** Node text shown to people: no control characters (terminal escapes), bounded. */
export function cleanText(text: string, max = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, max);
}

export function parseAnswer<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new NodeAnswerError(
    `the node's answer to ${what} is invalid${where}: ${issue?.message ?? 'unexpected shape'}`,
  );
}

/** Reads a body up to `max` bytes; more is `NodeAnswerError` (tooLarge) and the rest is not read. */
export async function readBody(res: Response, max: number, what: string): Promise<string> {
  const tooLarge = () =>
    new NodeAnswerError(`the node's answer to ${what} is larger than ${max} bytes`, true);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
