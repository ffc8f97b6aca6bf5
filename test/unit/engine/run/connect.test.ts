// From an inventory host to the ssh2 settings that reach it: jump chains, and hops outside the inventory.
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../../scripts/engine/load/load-inventory.js';
import type { HostEntry } from '../../../../scripts/engine/model.js';
import { parseJumpSpec, sshConfigFor } from '../../../../scripts/engine/run/connect.js';
import { parseSshConfig } from '../../../../scripts/transport/ssh-config-file.js';

/** The hops of a config, target first: `host address:port user`. */
function hops(cfg: ReturnType<typeof sshConfigFor> | undefined): string[] {
  const out: string[] = [];
  for (let c = cfg; c; c = c.jump) out.push(`${c.host} ${c.address}:${c.port} ${c.user}`);
  return out;
}

const inventory = (text: string, config?: string) =>
  parseInventory('inv.yml', text, config ? { sshConfig: parseSshConfig('config', config) } : {});
const cfgOf = (inv: ReturnType<typeof inventory>, name: string) =>
  sshConfigFor(inv.hosts.get(name) as HostEntry, inv);

describe('jump chains', () => {
  it('ride each hop on the one before it, the first hop keeping its own jump', () => {
    const inv = inventory(
      [
        'defaults: { user: ops }',
        'hosts:',
        '  outer: { address: 10.0.0.1 }',
        '  gw: { address: 10.0.0.2, jump: outer }',
        '  srv: { address: 10.0.0.3, jump: "gw,admin@10.0.0.9:2200" }',
        '',
      ].join('\n'),
    );
    expect(hops(cfgOf(inv, 'srv'))).toEqual([
      'srv 10.0.0.3:22 ops',
      'admin@10.0.0.9:2200 10.0.0.9:2200 admin',
      'gw 10.0.0.2:22 ops',
      'outer 10.0.0.1:22 ops',
    ]);
  });

  it('give a hop outside the inventory the ssh config of its own name and its ProxyJump, the rest from the host it serves', () => {
    const inv = inventory(
      'hosts:\n  srv: { address: 10.0.0.3, user: ops, jump: edge }\n',
      'Host edge\n  HostName 203.0.113.5\n  Port 2222\n  User gate\n  ProxyJump far\nHost far\n  HostName 203.0.113.9\n',
    );
    expect(hops(cfgOf(inv, 'srv'))).toEqual([
      'srv 10.0.0.3:22 ops',
      'edge 203.0.113.5:2222 gate',
      'far 203.0.113.9:22 gate',
    ]);
  });

  it('stop at a loop instead of following it forever', () => {
    const inv = inventory(
      'hosts:\n  srv: { address: 10.0.0.3, user: ops, jump: a }\n',
      'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n',
    );
    expect(hops(cfgOf(inv, 'srv'))).toEqual(['srv 10.0.0.3:22 ops', 'a a:22 ops', 'b b:22 ops']);
  });
});

it('parses a jump spec as ssh does: [ssh://][user@]host[:port], IPv6 in brackets', () => {
  expect(parseJumpSpec('ssh://u@h:2')).toEqual({ user: 'u', address: 'h', port: 2 });
  expect(parseJumpSpec('[2001:db8::1]:22')).toEqual({ user: undefined, address: '2001:db8::1', port: 22 });
  expect(parseJumpSpec('gw')).toEqual({ user: undefined, address: 'gw', port: undefined });
});
