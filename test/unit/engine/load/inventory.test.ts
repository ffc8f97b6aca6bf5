// Inventory loading: defaults, paths, group membership, var precedence, and every bad case at its position.
import { readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, ValidationError } from '../../../../scripts/core/errors.js';
import { loadInventory, parseInventory } from '../../../../scripts/engine/load/load-inventory.js';

const dir = 'test/fixtures/inventory';

describe('a good inventory', () => {
  const inv = loadInventory(join(dir, 'good/site.yml'));
  const host = (name: string) => inv.hosts.get(name);

  it('applies defaults, then host settings', () => {
    expect(host('srvwapt')).toMatchObject({
      user: 'ops',
      port: 22,
      hostKeyPolicy: 'accept-new',
      connectTimeout: 5,
    });
    expect(host('srvwapt2')).toMatchObject({ user: 'admin', port: 2222, become: true, jump: 'bastion' });
    expect(host('controller')).toMatchObject({ connection: 'local', address: '127.0.0.1' });
  });

  it('expands ~ and resolves relative paths against the inventory directory', () => {
    expect(host('srvwapt')?.identityFile).toBe(join(homedir(), '.ssh/id_ed25519'));
    expect(host('srvwapt')?.knownHosts).toBe(resolve(dir, 'good/keys/known_hosts'));
  });

  it('expands child groups and has the implicit all group', () => {
    expect(inv.groups.get('linux')).toEqual(['srvwapt', 'srvwapt2', 'agent1']);
    expect(inv.groups.get('all')).toEqual(['srvwapt', 'srvwapt2', 'bastion', 'controller', 'agent1']);
    expect(host('srvwapt2')?.groups).toEqual(['linux', 'rhel', 'wapt_servers']);
  });

  it('merges vars: inventory < parent group < child group < host', () => {
    expect(host('bastion')?.vars).toEqual({ wapt_folder: '/var/www/wapt', level: 'inventory' });
    expect(host('agent1')?.vars).toMatchObject({ level: 'linux', os: 'linux' });
    expect(host('srvwapt2')?.vars).toEqual({
      wapt_folder: '/var/www/html/wapt',
      level: 'wapt_servers',
      os: 'linux',
    });
    expect(host('srvwapt')?.vars.level).toBe('host');
  });

  it('records where each host is declared', () => {
    expect(host('srvwapt2')?.pos).toEqual({ file: join(dir, 'good/site.yml'), line: 15, col: 3 });
  });
});

it('a host with no settings gets the local user name and no jump through itself', () => {
  const inv = parseInventory(
    'inv.yml',
    'defaults: { jump: gw }\nhosts:\n  gw: { address: 10.0.0.1 }\n  a: { address: a }\n',
  );
  expect(inv.hosts.get('a')).toMatchObject({
    user: userInfo().username,
    jump: 'gw',
    port: 22,
    become: false,
  });
  expect(inv.hosts.get('gw')?.jump).toBeUndefined();
});

describe('bad inventories report their problems at file:line:col', () => {
  it.each(readdirSync(join(dir, 'bad')).filter((f) => f.endsWith('.yml')))('%s', (name) => {
    const file = join(dir, 'bad', name);
    const expected = readFileSync(file.replace(/\.yml$/, '.expected'), 'utf8').trim();
    let actual = '(no problem found)';
    try {
      parseInventory(file, readFileSync(file, 'utf8'));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      actual = e.problems.map(formatProblem).join('\n');
    }
    expect(actual).toBe(expected);
  });
});

it('a missing file is one clear problem', () => {
  expect(() => loadInventory(join(dir, 'nope.yml'))).toThrow(/cannot read the inventory \(ENOENT\)/);
});
