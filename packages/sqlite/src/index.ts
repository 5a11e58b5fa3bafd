import Database from 'better-sqlite3';

export interface SqliteFileOptions {
  /** `CREATE TABLE IF NOT EXISTS …` statements of the owner's tables (the meta table is ours). */
  readonly schemaSql: string;
  /** The layout version the owner reads; a file written by another version is refused. */
  readonly schemaVersion: number;
  /** Who reads the file, for the error message ("node", "pool"). */
  readonly owner: string;
  /**
   * The step that takes a file from version N to N + 1, by N: SQL, or a function given the
   * database. A file of an older version is brought up to date on open, all steps in the same
   * transaction as the rest of the opening (a step that fails leaves the file as it was).
   */
  readonly migrations?: Readonly<Record<number, string | ((db: Database.Database) => void)>>;
  /**
   * The version of a file that has the owner's tables but no recorded version (written before
   * versions were recorded). Without it, such a file is refused rather than taken as new.
   */
  readonly unversioned?: number;
}

/**
 * A SQLite file holding a server's durable state, as the node and the pool keep theirs: WAL with
 * synchronous=FULL, so a committed transaction survives `kill -9` and power loss; an exclusive
 * lock held while open (one process per file); a `meta` key-value table; and a schema version
 * written on creation and checked on every open.
 */
export class SqliteFile {
  protected readonly db: Database.Database;
  private readonly metaGet: Database.Statement<[string], { value: string }>;
  private readonly metaSet: Database.Statement<[string, string]>;

  constructor(file: string, options: SqliteFileOptions) {
    this.db = new Database(file, { timeout: 1000 });
    try {
      // one process per file: the lock is taken now and held until close (or the process dies), so
      // a second node or pool started on the same data dir stops at once instead of sharing books
      this.db.pragma('locking_mode = EXCLUSIVE');
      try {
        this.db.exec('BEGIN EXCLUSIVE; COMMIT;');
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_BUSY')
          throw new Error(`${file} is in use by another ${options.owner} process (one per data dir)`);
        throw err;
      }
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT');
      this.metaGet = this.db.prepare('SELECT value FROM meta WHERE key = ?');
      this.metaSet = this.db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      const stored = this.getMeta('schema_version');
      const hasTables =
        this.db
          .prepare<[], { n: number }>(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name <> 'meta'",
          )
          .get()?.n !== 0;
      let version = stored === undefined ? undefined : Number(stored);
      if (version === undefined && hasTables) {
        if (options.unversioned === undefined)
          throw new Error(
            `${file} holds tables but no schema version; this ${options.owner} cannot tell its layout`,
          );
        version = options.unversioned;
      }
      const refuse = () =>
        new Error(
          `${file} holds schema version ${stored}; this ${options.owner} reads version ${options.schemaVersion}`,
        );
      if (version !== undefined) {
        if (!Number.isInteger(version) || version > options.schemaVersion) throw refuse();
        for (let v = version; v < options.schemaVersion; v++)
          if (options.migrations?.[v] === undefined) throw refuse();
      }
      this.db.transaction(() => {
        if (version !== undefined)
          for (let v = version; v < options.schemaVersion; v++) {
            const step = options.migrations?.[v];
            if (typeof step === 'function') step(this.db);
            else this.db.exec(step as string);
          }
        this.db.exec(options.schemaSql);
        if (version !== options.schemaVersion) this.setMeta('schema_version', String(options.schemaVersion));
      })();
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** Runs `fn` as one atomic write: all of it is committed, or none of it. Nests as savepoints. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getMeta(key: string): string | undefined {
    return this.metaGet.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.metaSet.run(key, value);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
