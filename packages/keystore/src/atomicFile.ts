import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readlinkSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KeystoreError } from './envelope.js';

/**
 * The file a path stands for: a symbolic link is followed (link by link, so a link to a file that
 * does not exist yet works too). Writing to the result keeps the user's links in place.
 */
export function resolveFilePath(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw err;
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new Error(`${path}: too many levels of symbolic links`);
}

/** Writes `data` to a new temporary file beside `path` (mode `mode`), fsynced; returns its path. */
function writeTemp(path: string, data: string | Uint8Array, mode: number): string {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  return tmp;
}

function fsyncDir(dir: string): void {
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Writes a file atomically with mode 0600: a temporary file in the same folder, fsync, rename
 * over the target, fsync of the folder. A crash leaves the old file or the new one, never half.
 * A symbolic link is written through: its target is replaced, the link stays.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const target = resolveFilePath(path);
  const tmp = writeTemp(target, data, mode);
  renameSync(tmp, target);
  fsyncDir(dirname(target));
}

/**
 * Creates a new file atomically with mode 0600, never replacing anything: the content is written
 * to a temporary file and then hard-linked to `path`, which fails if `path` exists (even if it was
 * created a moment ago by another process). Throws `EXISTS` then, leaving what is there untouched.
 * A symbolic link to a file not there yet creates that file.
 */
export function createFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const target = resolveFilePath(path);
  const tmp = writeTemp(target, data, mode);
  try {
    linkSync(tmp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new KeystoreError('EXISTS', `${path} already exists; it was left untouched`);
    throw err;
  } finally {
    unlinkSync(tmp);
  }
  fsyncDir(dirname(target));
}
