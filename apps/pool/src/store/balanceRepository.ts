import type Database from 'better-sqlite3';

/** The balance queries the dashboard reads, by name (query plans are tested). */
export const BALANCE_SQL = { all: 'SELECT address, amount FROM balances ORDER BY address' } as const;

/** Matured, unpaid balance per miner (table balances). */
export class BalanceRepository {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare<[string], { amount: string }>('SELECT amount FROM balances WHERE address = ?'),
      set: db.prepare(
        'INSERT INTO balances (address, amount) VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET amount = excluded.amount',
      ),
      all: db.prepare<[], { address: string; amount: string }>(BALANCE_SQL.all),
    };
  }

  get(address: string): bigint {
    return BigInt(this.stmt.get.get(address)?.amount ?? '0');
  }

  add(address: string, delta: bigint): void {
    this.stmt.set.run(address, (this.get(address) + delta).toString());
  }

  all(): Map<string, bigint> {
    return new Map(this.stmt.all.all().map((r) => [r.address, BigInt(r.amount)]));
  }
}
