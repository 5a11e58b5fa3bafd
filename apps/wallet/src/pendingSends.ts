import { existsSync, readFileSync } from 'node:fs';
import { withFileLock, writeFileAtomic } from '@powcoin/keystore';

/** A transfer the wallet signed and handed to a node, not yet seen confirmed. */
export interface PendingSend {
  readonly txid: string;
  readonly from: string;
  readonly nonce: number;
  readonly hex: string;
}

function isPendingSend(v: unknown): v is PendingSend {
  const e = v as Partial<Record<keyof PendingSend, unknown>> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.txid === 'string' &&
    /^[0-9a-f]{64}$/.test(e.txid) &&
    typeof e.from === 'string' &&
    typeof e.nonce === 'number' &&
    Number.isSafeInteger(e.nonce) &&
    e.nonce >= 0 &&
    typeof e.hex === 'string' &&
    /^[0-9a-f]+$/.test(e.hex)
  );
}

/**
 * The wallet's own memory of what it signed and sent, so that a node's word is not all it has:
 * a node that lies about the next nonce, or holds a transaction while reporting failure, cannot
 * make the wallet sign a second payment that both confirm.
 */
export interface PendingRecord {
  /** Changes the record under its lock and returns what `change` returned. */
  update<T>(change: (sends: PendingSend[]) => { sends: PendingSend[]; result: T }): Promise<T>;
}

/** A record that lives as long as the process (the Ink UI's session, tests). */
export class MemoryPendingRecord implements PendingRecord {
  private sends: PendingSend[] = [];

  async update<T>(change: (sends: PendingSend[]) => { sends: PendingSend[]; result: T }): Promise<T> {
    const { sends, result } = change([...this.sends]);
    this.sends = sends;
    return result;
  }
}

/** Where the record of a keystore lives: beside it. */
export function pendingPathFor(keystorePath: string): string {
  return `${keystorePath}.pending.json`;
}

/**
 * The record as a file beside the keystore: plain JSON (signed transactions, no secrets), mode
 * 0600, written atomically under the keystore helpers' file lock so two wallet processes agree.
 * A record that cannot be read is an error, never silently emptied (it guards against paying twice).
 */
export class FilePendingRecord implements PendingRecord {
  constructor(readonly path: string) {}

  async update<T>(change: (sends: PendingSend[]) => { sends: PendingSend[]; result: T }): Promise<T> {
    return withFileLock(this.path, () => {
      const { sends, result } = change(this.read());
      writeFileAtomic(this.path, `${JSON.stringify({ version: 1, sends }, null, 2)}\n`, 0o600);
      return result;
    });
  }

  private read(): PendingSend[] {
    if (!existsSync(this.path)) return [];
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      json = undefined;
    }
    const sends = (json as { version?: unknown; sends?: unknown } | undefined)?.sends;
    if (
      (json as { version?: unknown } | undefined)?.version !== 1 ||
      !Array.isArray(sends) ||
      !sends.every(isPendingSend)
    )
      throw new Error(`the record of pending sends ${this.path} is damaged: move it aside to go on`);
    return sends;
  }
}
