// Host patterns (names, groups, globs, exclusions) and shards that stay put when hosts come and go.
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../../scripts/engine/load/load-inventory.js';
import { selectHosts, shardHosts } from '../../../../scripts/engine/load/select-hosts.js';

const inv = parseInventory(
  'inv.yml',
  `
hosts:
  srv1: { address: 10.0.0.1 }
  srv2: { address: 10.0.0.2 }
  srv10: { address: 10.0.0.10 }
  agent1: { address: 10.0.1.1 }
  local: { connection: local }
groups:
  servers: { hosts: [srv1, srv2, srv10] }
  agents: { hosts: [agent1] }
  lab: { children: [agents], hosts: [local] }
`,
);

describe('selectHosts', () => {
  it.each([
    ['all', ['srv1', 'srv2', 'srv10', 'agent1', 'local']],
    ['servers', ['srv1', 'srv2', 'srv10']],
    ['srv1?', ['srv10']],
    ['srv*,!srv2', ['srv1', 'srv10']],
    ['agent1, srv2', ['srv2', 'agent1']],
    ['lab', ['agent1', 'local']],
    ['!servers', ['agent1', 'local']],
    ['all,!lab*', ['srv1', 'srv2', 'srv10']],
    ['servers,!srv*', []],
  ])('%s', (pattern, expected) => {
    expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it('names every unknown term at once, with a suggestion', () => {
    expect(() => selectHosts(inv, 'srv3,servrs,db*')).toThrow(
      "unknown host or group 'srv3', did you mean 'srv1'?\nunknown host or group 'servrs', did you mean 'servers'?\n'db*' matches no host or group",
    );
  });
});

describe('shardHosts', () => {
  const hosts = Array.from({ length: 200 }, (_, i) => `host${i}`);
  const shards = (names: string[], n: number) =>
    Array.from({ length: n }, (_, k) => shardHosts(names, k + 1, n));

  it('splits every host into exactly one shard, keeping order', () => {
    const parts = shards(hosts, 4);
    expect(parts.flat().sort()).toEqual([...hosts].sort());
    for (const part of parts) {
      expect(part.length).toBeGreaterThan(20);
      expect(part).toEqual(hosts.filter((h) => part.includes(h)));
    }
  });

  it('does not depend on the position of a host in the list', () => {
    const reversed = [...hosts].reverse();
    expect(shardHosts(reversed, 2, 3).sort()).toEqual(shardHosts(hosts, 2, 3).sort());
  });

  it('adding hosts moves no existing host; adding a shard moves only some', () => {
    const before = shards(hosts, 4);
    const after = shards([...hosts, 'new1', 'new2', 'new3'], 4);
    for (const [k, part] of before.entries())
      expect(after[k]?.filter((h) => !h.startsWith('new'))).toEqual(part);
    const five = shards(hosts, 5);
    const moved = hosts.filter(
      (h) => before.findIndex((p) => p.includes(h)) !== five.findIndex((p) => p.includes(h)),
    );
    expect(moved.length).toBeLessThan(hosts.length / 2);
    for (const h of moved) expect(five[4]).toContain(h);
  });

  it('refuses a shard outside 1..n', () => {
    expect(() => shardHosts(hosts, 0, 2)).toThrow(/1 <= K <= N/);
    expect(() => shardHosts(hosts, 3, 2)).toThrow(/1 <= K <= N/);
  });
});
