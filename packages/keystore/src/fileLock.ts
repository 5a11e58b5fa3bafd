import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { resolveFilePath } from './atomicFile.js';
import { KeystoreError } from './envelope.js';

export interface FileLockOptions {
  /** Give up (`LOCKED`) after waiting this long for a live holder (default 60 s). */
  readonly timeoutMs?: number;
}

interface Holder {
  readonly pid: number;
  readonly token: string;
}

// A lock file is created and written in two steps: one found empty (its creator killed in
// between) is taken as stale once it is older than this.
const EMPTY_LOCK_STALE_MS = 5_000;

function parseHolder(text: string): Holder | undefined {
  const m = /^(\d+) ([0-9a-f]+)\n$/.exec(text);
  return m ? { pid: Number(m[1]), token: m[2] as string } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(lockPath: string, text: string): boolean {
  const holder = parseHolder(text);
  if (holder) return !isAlive(holder.pid);
  try {
    return Date.now() - statSync(lockPath).mtimeMs > EMPTY_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock, but only the one that was judged stale: it is renamed away first (atomic)
 * and checked again under its new name. If another process replaced it in the meantime with a
 * fresh lock, that one is put back with link() (which never replaces a lock taken since).
 */
function breakStaleLock(lockPath: string, staleText: string): void {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (readLock(aside) !== staleText) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // a third process took the lock in that gap of microseconds: nothing better can be done
    }
  }
  unlinkSync(aside);
}

function tryCreate(lockPath: string, holder: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${holder.pid} ${holder.token}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Runs `fn` while holding an exclusive lock on `path`: the file `<path>.lock`, created with
 * O_EXCL and holding the owner's pid, removed afterwards. Another process waits for it; a lock
 * whose process is gone (killed) is stale and broken, so it never blocks for ever. Meant for
 * read-change-write of a small file shared by several processes of one user on one machine.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T> | T,
  options: FileLockOptions = {},
): Promise<T> {
  // beside the file itself: two processes reaching it through different links share the lock
  const lockPath = `${resolveFilePath(path)}.lock`;
  const holder: Holder = { pid: process.pid, token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let delay = 5;
  while (!tryCreate(lockPath, holder)) {
    const text = readLock(lockPath);
    if (text === undefined) continue;
    if (isStale(lockPath, text)) {
      breakStaleLock(lockPath, text);
      continue;
    }
    if (Date.now() > deadline) {
      const pid = parseHolder(text)?.pid;
      throw new KeystoreError(
        'LOCKED',
        `${path} is locked${pid ? ` by process ${pid}` : ''}; if no wallet is running, remove ${lockPath}`,
      );
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
  try {
    return await fn();
  } finally {
    // remove only our own lock (it is never taken from a live holder, but be sure)
    if (readLock(lockPath) === `${holder.pid} ${holder.token}\n`) unlinkSync(lockPath);
  }
}
