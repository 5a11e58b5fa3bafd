import type { Account, AccountChange, UndoRecord } from '@powcoin/core';
import { bytesToHex, hexToBytes } from '@powcoin/core';

/** JSON of core's UndoRecord as stored: bigints as decimal strings. */
interface StoredAccount {
  b: string;
  i: string;
  n: number;
}
interface StoredUndo {
  height: number;
  blockHash: string;
  fees: string;
  changes: Array<{ a: string; before: StoredAccount; after: StoredAccount }>;
}

function accountToStored(a: Account): StoredAccount {
  return { b: a.balance.toString(), i: a.immature.toString(), n: a.nonce };
}

function accountFromStored(s: StoredAccount): Account {
  return { balance: BigInt(s.b), immature: BigInt(s.i), nonce: s.n };
}

export function undoToJson(undo: UndoRecord): string {
  const stored: StoredUndo = {
    height: undo.height,
    blockHash: bytesToHex(undo.blockHash),
    fees: undo.fees.toString(),
    changes: undo.changes.map((c) => ({
      a: c.address,
      before: accountToStored(c.before),
      after: accountToStored(c.after),
    })),
  };
  return JSON.stringify(stored);
}

export function undoFromJson(json: string): UndoRecord {
  const stored = JSON.parse(json) as StoredUndo;
  const changes: AccountChange[] = stored.changes.map((c) => ({
    address: c.a,
    before: accountFromStored(c.before),
    after: accountFromStored(c.after),
  }));
  return {
    height: stored.height,
    blockHash: hexToBytes(stored.blockHash, 32),
    fees: BigInt(stored.fees),
    changes,
  };
}

/** Chain work as 64 hex digits: text order equals numeric order in SQL. */
export function workToHex(work: bigint): string {
  if (work < 0n || work >= 1n << 256n) throw new RangeError(`chain work ${work} does not fit 64 hex digits`);
  return work.toString(16).padStart(64, '0');
}
