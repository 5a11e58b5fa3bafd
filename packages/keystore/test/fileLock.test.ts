import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../src/index.js';

const dist = new URL('../dist/index.js', import.meta.url).href;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-lock-'));
  file = join(dir, 'counter');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited (so certainly not running now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('withFileLock', () => {
  it('serialises read-change-write across real processes', async () => {
    writeFileSync(file, '0');
    // each child increments the counter 10 times, with a pause between its read and its write
    const child = `
      import { readFileSync, writeFileSync } from 'node:fs';
      const { withFileLock } = await import(${JSON.stringify(dist)});
      for (let i = 0; i < 10; i++) {
        await withFileLock(process.argv[1], async () => {
          const n = Number(readFileSync(process.argv[1], 'utf8'));
          await new Promise((r) => setTimeout(r, 3));
          writeFileSync(process.argv[1], String(n + 1));
        });
      }`;
    const codes = await Promise.all(
      Array.from({ length: 6 }, () => {
        const p = spawn(process.execPath, ['--input-type=module', '-e', child, file], { stdio: 'inherit' });
        return new Promise<number | null>((r) => p.on('exit', r));
      }),
    );
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(readFileSync(file, 'utf8')).toBe('60');
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 30_000);

  it('breaks the lock of a process that is gone', async () => {
    writeFileSync(`${file}.lock`, `${deadPid()} 0badc0de\n`);
    expect(await withFileLock(file, () => 'ran', { timeoutMs: 2000 })).toBe('ran');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('breaks an empty lock left by a process killed while creating it, once it is old', async () => {
    writeFileSync(`${file}.lock`, '');
    await expect(withFileLock(file, () => 'ran', { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'LOCKED',
    });
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    expect(await withFileLock(file, () => 'ran', { timeoutMs: 2000 })).toBe('ran');
  });

  it('waits for a live holder, then says who holds it', async () => {
    writeFileSync(`${file}.lock`, `${process.pid} 0123abcd\n`);
    const err = await withFileLock(file, () => 'ran', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LOCKED' });
    expect((err as Error).message).toContain(`process ${process.pid}`);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${process.pid} 0123abcd\n`);
  });

  it('releases the lock when the work throws', async () => {
    await expect(
      withFileLock(file, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
