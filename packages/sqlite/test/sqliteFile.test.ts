import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFile } from '../src/index.js';

const schema = 'CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;';

class Items extends SqliteFile {
  constructor(file: string, schemaVersion = 1) {
    super(file, { schemaSql: schema, schemaVersion, owner: 'test' });
  }
  add(name: string): void {
    this.db.prepare('INSERT INTO items (name) VALUES (?)').run(name);
  }
  names(): string[] {
    return this.db
      .prepare<[], { name: string }>('SELECT name FROM items ORDER BY id')
      .all()
      .map((r) => r.name);
  }
  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'powcoin-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteFile', () => {
  it('opens in WAL with synchronous=FULL and records its schema version', () => {
    const file = join(dir, 'a.sqlite');
    const items = new Items(file, 3);
    expect(items.pragma('journal_mode')).toBe('wal');
    expect(items.pragma('synchronous')).toBe(2); // FULL
    expect(items.getMeta('schema_version')).toBe('3');
    items.setMeta('k', 'v1');
    items.setMeta('k', 'v2');
    expect(items.getMeta('k')).toBe('v2');
    expect(items.getMeta('missing')).toBeUndefined();
    items.close();
    items.close(); // twice is harmless
  });

  it('refuses a file of another schema version and leaves it untouched', () => {
    const file = join(dir, 'b.sqlite');
    const v1 = new Items(file, 1);
    v1.add('kept');
    v1.close();
    expect(() => new Items(file, 2)).toThrow(/holds schema version 1; this test reads version 2/);
    const again = new Items(file, 1);
    expect(again.names()).toEqual(['kept']);
    expect(again.getMeta('schema_version')).toBe('1');
    again.close();
  });

  it('brings an older file up to date through its migrations, in order, keeping its rows', () => {
    const file = join(dir, 'm.sqlite');
    const v1 = new Items(file, 1);
    v1.add('old');
    v1.close();
    const migrations = {
      1: 'ALTER TABLE items ADD COLUMN note TEXT',
      2: "UPDATE items SET note = 'from v1' WHERE note IS NULL",
    };
    class Items3 extends SqliteFile {
      constructor() {
        super(file, { schemaSql: schema, schemaVersion: 3, owner: 'test', migrations });
      }
      rows() {
        return this.db.prepare('SELECT name, note FROM items').all();
      }
    }
    const v3 = new Items3();
    expect(v3.getMeta('schema_version')).toBe('3');
    expect(v3.rows()).toEqual([{ name: 'old', note: 'from v1' }]);
    v3.close();
    // a step that fails leaves the file as it was
    const broken = { 1: 'ALTER TABLE items ADD COLUMN extra TEXT', 2: 'THIS IS NOT SQL' };
    const v1b = join(dir, 'b1.sqlite');
    new Items(v1b, 1).close();
    expect(
      () => new SqliteFile(v1b, { schemaSql: schema, schemaVersion: 3, owner: 'test', migrations: broken }),
    ).toThrow();
    const reopened = new Items(v1b, 1);
    expect(reopened.getMeta('schema_version')).toBe('1');
    reopened.close();
    // a missing step is refused before anything runs
    expect(
      () =>
        new SqliteFile(v1b, {
          schemaSql: schema,
          schemaVersion: 3,
          owner: 'test',
          migrations: { 2: 'SELECT 1' },
        }),
    ).toThrow(/holds schema version 1; this test reads version 3/);
  });

  it('takes a file with tables but no recorded version as `unversioned`, or refuses it', () => {
    const file = join(dir, 'u.sqlite');
    const raw = new Items(file, 1);
    raw.add('before versions');
    raw.close();
    // simulate a file from before versions were recorded
    const strip = new (class extends SqliteFile {
      constructor() {
        super(file, { schemaSql: schema, schemaVersion: 1, owner: 'test' });
        this.db.prepare("DELETE FROM meta WHERE key = 'schema_version'").run();
      }
    })();
    strip.close();
    expect(() => new SqliteFile(file, { schemaSql: schema, schemaVersion: 2, owner: 'test' })).toThrow(
      /holds tables but no schema version/,
    );
    const migrated = new SqliteFile(file, {
      schemaSql: schema,
      schemaVersion: 2,
      owner: 'test',
      unversioned: 1,
      migrations: { 1: (db) => db.exec('ALTER TABLE items ADD COLUMN note TEXT') },
    });
    expect(migrated.getMeta('schema_version')).toBe('2');
    migrated.close();
    const reread = new Items(file, 2);
    expect(reread.names()).toEqual(['before versions']);
    reread.close();
    // an empty file is simply new, whatever `unversioned` says
    const fresh = new SqliteFile(join(dir, 'new.sqlite'), {
      schemaSql: schema,
      schemaVersion: 2,
      owner: 'test',
      unversioned: 1,
    });
    expect(fresh.getMeta('schema_version')).toBe('2');
    fresh.close();
  });

  it('is held by one process at a time, and free again once that process is gone', () => {
    const file = join(dir, 'l.sqlite');
    new Items(file).close();
    const holder = `
      import { SqliteFile } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      new SqliteFile(${JSON.stringify(file)}, { schemaSql: ${JSON.stringify(schema)}, schemaVersion: 1, owner: 'child' });
      try {
        new SqliteFile(${JSON.stringify(file)}, { schemaSql: ${JSON.stringify(schema)}, schemaVersion: 1, owner: 'child' });
        console.log('second open: allowed');
      } catch (err) {
        console.log('second open: ' + err.message);
      }
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holder], {
      encoding: 'utf8',
    });
    expect(child.stdout).toContain('is in use by another child process (one per data dir)');
    // the killed holder's lock went with it
    const reopened = new Items(file);
    expect(reopened.getMeta('schema_version')).toBe('1');
    reopened.close();
  });

  it('commits a transaction whole or not at all', () => {
    const items = new Items(join(dir, 'c.sqlite'));
    items.transaction(() => {
      items.add('one');
      items.add('two');
    });
    expect(() =>
      items.transaction(() => {
        items.add('three');
        throw new Error('half way');
      }),
    ).toThrow('half way');
    expect(items.names()).toEqual(['one', 'two']);
    items.close();
  });

  it('keeps a committed write when the process is killed right after it', () => {
    const file = join(dir, 'd.sqlite');
    // a child process commits, then kills itself with SIGKILL before any orderly close
    const script = `
      import { SqliteFile } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      const f = new SqliteFile(${JSON.stringify(file)}, { schemaSql: ${JSON.stringify(schema)}, schemaVersion: 1, owner: 'child' });
      f.transaction(() => f.setMeta('acknowledged', 'yes'));
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.signal).toBe('SIGKILL');
    const reopened = new Items(file);
    expect(reopened.getMeta('acknowledged')).toBe('yes');
    reopened.close();
  });
});
