import { runBench } from '../src/index.js';

test('runBench prints one JSON line per engine, crypto first, with rates and the ratio to crypto', async () => {
  const lines: string[] = [];
  const results = await runBench({
    seconds: 0.3,
    threads: 1,
    json: true,
    engines: ['js'],
    write: (l) => lines.push(l),
  });
  expect(lines).toHaveLength(2);
  const [crypto, js] = lines.map((line) => JSON.parse(line));
  expect(crypto).toMatchObject({ engine: 'crypto', threads: 1, ratioToCrypto: 1 });
  expect(js).toMatchObject({ engine: 'js', threads: 1 });
  for (const row of [crypto, js]) {
    expect(row.hashesPerSecond).toBeGreaterThan(0);
    expect(row.hashesPerSecondPerThread).toBe(row.hashesPerSecond);
    expect(row.seconds).toBeGreaterThanOrEqual(0.3);
    expect(row.hashes).toBeCloseTo(row.hashesPerSecond * row.seconds, -2);
  }
  // The midstate and generated kernel make js several times faster than two createHash calls.
  expect(js.ratioToCrypto).toBeCloseTo(js.hashesPerSecond / crypto.hashesPerSecond, 6);
  expect(js.ratioToCrypto).toBeGreaterThan(2);
  expect(results.map((r) => r.engine)).toEqual(['crypto', 'js']);
});

test('runBench prints a table by default and refuses engines that are not available', async () => {
  const lines: string[] = [];
  await runBench({ seconds: 0.2, threads: 1, engines: ['crypto'], write: (l) => lines.push(l) });
  // Comment lines first (the CPU, and any engine that cannot run with its reason), then the table.
  expect(lines[0]).toMatch(/^# .*1 thread\(s\), 0\.2 s per engine$/);
  const table = lines.filter((line) => !line.startsWith('#'));
  expect(table[0]).toMatch(/^engine\s+threads\s+total MH\/s\s+MH\/s\/thread\s+x crypto$/);
  expect(table[1]).toMatch(/^crypto\s+1\s+\d+\.\d+\s+\d+\.\d+\s+1\.0$/);
  expect(table).toHaveLength(2);
  await expect(runBench({ seconds: 0.2, engines: ['gpu'] })).rejects.toThrow(
    'engines not available here: gpu',
  );
});
