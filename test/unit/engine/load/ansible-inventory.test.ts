// Ansible inventories as they are: INI and YAML, group_vars/ and host_vars/, ranges, ansible_* mapped, the rest refused at file:line:col.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, ValidationError } from '../../../../scripts/core/errors.js';
import { parseAnsibleIni } from '../../../../scripts/engine/load/ansible-ini.js';
import { ansibleInventory } from '../../../../scripts/engine/load/ansible-inventory.js';
import { expandHostRange } from '../../../../scripts/engine/load/host-ranges.js';
import { loadInventory, parseInventory } from '../../../../scripts/engine/load/load-inventory.js';
import { selectHosts } from '../../../../scripts/engine/load/select-hosts.js';
import type { Inventory } from '../../../../scripts/engine/model.js';
import { parseSshConfig } from '../../../../scripts/transport/ssh-config-file.js';

const dir = 'test/fixtures/inventory/ansible';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('host ranges', () => {
  it('expand numbers (zero padding kept), letters, strides and several ranges', () => {
    expect(expandHostRange('www[01:03].example.lan')).toEqual({
      names: ['www01.example.lan', 'www02.example.lan', 'www03.example.lan'],
    });
    expect(expandHostRange('db-[a:c]')).toEqual({ names: ['db-a', 'db-b', 'db-c'] });
    expect(expandHostRange('n[1:7:3]')).toEqual({ names: ['n1', 'n4', 'n7'] });
    expect(expandHostRange('r[1:2]-[x:y]')).toEqual({ names: ['r1-x', 'r1-y', 'r2-x', 'r2-y'] });
    expect(expandHostRange('[:2]x')).toEqual({ names: ['0x', '1x', '2x'] });
    expect(expandHostRange('plain.example.lan')).toEqual({ names: ['plain.example.lan'] });
  });

  it('refuse what Ansible refuses', () => {
    expect(expandHostRange('w[5:1]')).toEqual({ error: "'[5:1]': the start is after the end" });
    expect(expandHostRange('w[01:100]')).toEqual({
      error: "'[01:100]': start and end must have the same width",
    });
    expect(expandHostRange('w[a:9]')).toMatchObject({ error: expect.stringMatching(/not a range/) });
    expect(expandHostRange('w[1:100000000]')).toEqual({
      error: "'w[1:100000000]' stands for more than 65536 hosts",
    });
    expect(expandHostRange('w[1:300][1:300]')).toEqual({
      error: "'w[1:300][1:300]' stands for more than 65536 hosts",
    });
  });
});

describe.each([
  ['INI', join(dir, 'ini/hosts.ini')],
  ['YAML', join(dir, 'yaml/hosts.yml')],
])('an Ansible %s inventory', (_kind, file) => {
  const inv = loadInventory(file);
  const host = (name: string) => inv.hosts.get(name);

  it('keeps every host (ranges expanded), its groups and their children', () => {
    expect([...inv.hosts.keys()].sort()).toEqual(
      [
        'gateway.example.lan',
        'kiosk-a.example.lan',
        'kiosk-b.example.lan',
        'pc01.example.lan',
        'pc02.example.lan',
        'pc03.example.lan',
        'srvwapt1.example.lan',
        'srvwapt2.example.lan',
      ].sort(),
    );
    expect(inv.groups.get('ungrouped')).toEqual(['gateway.example.lan']);
    expect(inv.groups.get('sites')?.sort()).toEqual([
      'pc01.example.lan',
      'srvwapt1.example.lan',
      'srvwapt2.example.lan',
    ]);
    expect(host('srvwapt1.example.lan')?.groups.sort()).toEqual(['paris', 'sites', 'wapt_servers']);
    expect(selectHosts(inv, 'sites,!lyon').sort()).toEqual(['pc01.example.lan', 'srvwapt1.example.lan']);
  });

  it('maps ansible_host, _user, _port, _become(_user) and a ProxyJump in the ssh args', () => {
    expect(host('srvwapt1.example.lan')).toMatchObject({
      connection: 'ssh',
      address: '192.0.2.21',
      user: 'ops',
      port: 2022,
      become: 'root',
    });
    expect(host('srvwapt2.example.lan')).toMatchObject({
      address: 'srvwapt2.example.lan',
      port: 2222,
      jump: 'jump@gateway.example.lan',
      become: 'root',
    });
    expect(host('gateway.example.lan')).toMatchObject({ user: 'jump', become: true, port: 22 });
    expect(host('kiosk-b.example.lan')).toMatchObject({ become: false });
  });

  it('merges vars in Ansible order: [all:vars] < group_vars/all < group_vars/<group> < host line < host_vars', () => {
    expect(host('srvwapt1.example.lan')?.vars).toEqual({
      wapt_folder: '/srv/wapt',
      role: 'server',
      ntp_server: 'ntp.example.lan',
      site_name: 'paris-centre',
    });
    expect(host('pc02.example.lan')?.vars).toEqual({ wapt_folder: '/var/www/wapt' });
  });
});

it('reads an INI file: positions, :port, quoted values, inline Python literals', () => {
  const src = parseAnsibleIni(
    'h',
    'a.lan:2200 x=5 y="two words" z=True\n[g]\n  b.lan  ansible_host=10.0.0.2\n',
  );
  expect(src.problems).toEqual([]);
  expect(src.hosts.get('a.lan')?.vars.get('ansible_port')).toMatchObject({ value: 2200 });
  expect(src.hosts.get('a.lan')?.vars.get('y')).toMatchObject({
    value: 'two words',
    pos: { line: 1, col: 16 },
  });
  expect(src.hosts.get('a.lan')?.vars.get('z')?.value).toBe(true);
  expect(src.hosts.get('b.lan')).toMatchObject({ pos: { line: 3, col: 3 } });
  expect(src.hosts.get('b.lan')?.vars.get('ansible_host')?.pos).toEqual({ file: 'h', line: 3, col: 10 });
});

it('applies ansible_connection=local and the ssh config to what the inventory leaves unset', () => {
  const sshConfig = parseSshConfig('config', 'Host srv\n  HostName 192.0.2.9\n  User cfg\n  Port 2200\n');
  const inv: Inventory = ansibleInventory(
    parseAnsibleIni('h', 'ctl ansible_connection=local\nsrv ansible_user=inv\n'),
    sshConfig,
  );
  expect(inv.hosts.get('ctl')).toMatchObject({ connection: 'local', address: '127.0.0.1' });
  expect(inv.hosts.get('srv')).toMatchObject({ address: '192.0.2.9', user: 'inv', port: 2200 });
});

it('reads a jump from -J, -o ProxyJump and the classic ProxyCommand; common args before extra args', () => {
  const lines = [
    `a ansible_ssh_common_args='-J ops@gw:2200'`,
    `b ansible_ssh_common_args='-o ProxyCommand="ssh -W %h:%p -q -p 2201 jump@gw.lan"'`,
    `c ansible_ssh_common_args='-oProxyJump=gw1' ansible_ssh_extra_args='-J gw2 -o StrictHostKeyChecking=no'`,
  ];
  const inv = ansibleInventory(parseAnsibleIni('h', lines.join('\n')), undefined);
  expect(inv.hosts.get('a')?.jump).toBe('ops@gw:2200');
  expect(inv.hosts.get('b')?.jump).toBe('jump@gw.lan:2201');
  expect(inv.hosts.get('c')).toMatchObject({ jump: 'gw1', hostKeyPolicy: 'accept-new' });
});

it('tells an Ansible YAML inventory from a waptops one by its shape', () => {
  expect(parseInventory('a.yml', 'web:\n  hosts:\n    w1:\n').groups.get('web')).toEqual(['w1']);
  expect(parseInventory('b.yml', 'hosts:\n  w1: { address: 10.0.0.1 }\n').hosts.get('w1')?.address).toBe(
    '10.0.0.1',
  );
});

describe('what waptops cannot use is refused, one line each at file:line:col, and nothing runs', () => {
  const bad = join(dir, 'bad');
  const lines = problemsOf(() => loadInventory(join(bad, 'hosts')));

  it('names every problem', () => {
    expect(lines).toEqual([
      `${bad}/group_vars/wapt_servers.yml:1:1 db_password: an Ansible Vault value: waptops cannot decrypt vault; give secrets as playbook secret params`,
      expect.stringMatching(
        new RegExp(
          `^${bad}/group_vars/wapt_servers.yml:4:1 ansible_host_key_checking: not supported by waptops \\(README lists`,
        ),
      ),
      `${bad}/host_vars/srv2.example.lan.yml:1:1 an Ansible Vault encrypted file: waptops cannot decrypt vault; give secrets as playbook secret params`,
      expect.stringMatching(new RegExp(`^${bad}/hosts:2:18 ansible_password: not supported by waptops`)),
      `${bad}/hosts:2:45 ansible_port: expected a port number from 1 to 65535`,
      `${bad}/hosts:3:18 ansible_ssh_common_args: ssh option 'forwardagent' is not supported by waptops`,
      `${bad}/hosts:4:18 ansible_connection: connection 'winrm' is not supported by waptops (ssh or local)`,
      `${bad}/hosts:4:43 ansible_host: a Jinja template: waptops does not evaluate {{ }} in inventories`,
      `${bad}/hosts:5:1 '[5:1]': the start is after the end`,
      `${bad}/hosts:8:1 ansible_become_method: waptops becomes another user with sudo only`,
      `${bad}/hosts:10:1 unknown section kind ':extras' (expected :vars or :children)`,
    ]);
  });

  it('never shows a value it refused', () => {
    expect(lines.join('\n')).not.toMatch(/not-shown|3132333435/);
  });
});
