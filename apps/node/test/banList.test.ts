import { BanList, inboundBanKey } from '../src/p2p/banList.js';

describe('ban list', () => {
  it('bans for a time, then forgets', () => {
    let now = 1_000_000;
    const bans = new BanList(10, () => now);
    bans.ban('ws://127.0.0.1:5001/p2p', 600);
    expect(bans.isBanned('ws://127.0.0.1:5001/p2p')).toBe(true);
    expect(bans.isBanned('ws://127.0.0.1:5002/p2p')).toBe(false);
    now += 600_000;
    expect(bans.isBanned('ws://127.0.0.1:5001/p2p')).toBe(false);
    expect(bans.list()).toEqual([]);
  });

  it('holds at most maxEntries bans, dropping the oldest first', () => {
    let now = 0;
    const bans = new BanList(3, () => now);
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      bans.ban(ip, 600);
      now += 1000;
    }
    bans.ban('203.0.113.1', 600); // banned again: now the newest
    for (let i = 4; i < 1000; i++) bans.ban(`203.0.113.${i}`, 600);
    expect(bans.size).toBe(3);
    expect(bans.list().map((b) => b.peer)).toEqual(['203.0.113.997', '203.0.113.998', '203.0.113.999']);
  });
});

describe('what an inbound peer is banned by', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:ffff::2', '2001:db8:0:0::/64'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:00aa:0001::', '2001:db8:aa:1::/64'],
    ['::2', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['127.0.0.1', undefined],
    ['127.8.9.10', undefined],
    ['::ffff:127.0.0.1', undefined],
    ['::1', undefined],
    ['not an address', undefined],
    [undefined, undefined],
  ])('%s → %s', (remote, key) => {
    expect(inboundBanKey(remote)).toBe(key);
  });
});
