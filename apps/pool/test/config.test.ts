import { createConfig } from '../src/config.js';

describe('pool flags', () => {
  it('defaults to port 6000, 100 coins, prop, and bounded connections', () => {
    const c = createConfig({ dataDir: '/tmp/x' });
    expect(c.port).toBe(6000);
    expect(c.payoutThreshold).toBe(100n * 100_000_000n);
    expect(c.scheme).toBe('prop');
    expect(c.limits).toMatchObject({
      idleSeconds: 600,
      maxConnections: 1024,
      banAfterInvalid: 20,
      banSeconds: 600,
    });
  });

  it('takes the limit flags', () => {
    const c = createConfig({
      idleSeconds: '30',
      maxConnections: '5',
      banAfterInvalid: '3',
      banSeconds: '60',
    });
    expect(c.limits).toMatchObject({
      idleSeconds: 30,
      maxConnections: 5,
      banAfterInvalid: 3,
      banSeconds: 60,
    });
  });

  it.each([
    [{ port: '70000' }, '--port'],
    [{ fee: '-1' }, 'fee'],
    [{ payoutThreshold: '1e3' }, '--payout-threshold'],
    [{ scheme: 'pps' }, '--scheme'],
    [{ node: 'ftp://x' }, '--node'],
    [{ network: 'mainnet' }, '--network'],
    [{ idleSeconds: '0' }, '--idle-seconds'],
    [{ idleSeconds: '1.5' }, '--idle-seconds'],
    [{ maxConnections: 'many' }, '--max-connections'],
    [{ banAfterInvalid: '-3' }, '--ban-after-invalid'],
    [{ banSeconds: '99999999' }, '--ban-seconds'],
  ])('refuses %j, naming the flag', (flags, name) => {
    expect(() => createConfig(flags)).toThrow(RangeError);
    expect(() => createConfig(flags)).toThrow(name);
  });
});
