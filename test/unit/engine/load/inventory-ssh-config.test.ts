// The inventory and the OpenSSH client config together: what the inventory writes wins, the config fills the rest.
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatProblem, ValidationError } from '../../../../scripts/core/errors.js';
import { parseInventory } from '../../../../scripts/engine/load/load-inventory.js';
import { parseSshConfig } from '../../../../scripts/transport/ssh-config-file.js';

const sshConfig = parseSshConfig(
  'config',
  [
    'Host srvwapt',
    '  HostName 192.0.2.10',
    '  User fromconfig',
    '  Port 2222',
    '  ProxyJump bastion',
    '  UserKnownHostsFile /etc/waptops/known_hosts',
    '  StrictHostKeyChecking accept-new',
    '  ConnectTimeout 4',
    'Host bastion',
    '  HostName bastion.example.org',
    'Host 192.0.2.*',
    '  User byaddress',
    '',
  ].join('\n'),
);

describe('an inventory with an ssh config', () => {
  it('fills what a host leaves unset, and reaches an address-less host at the HostName', () => {
    const inv = parseInventory('inv.yml', 'hosts:\n  srvwapt: {}\n', { sshConfig });
    expect(inv.hosts.get('srvwapt')).toMatchObject({
      address: '192.0.2.10',
      user: 'fromconfig',
      port: 2222,
      jump: 'bastion',
      knownHosts: '/etc/waptops/known_hosts',
      hostKeyPolicy: 'accept-new',
      connectTimeout: 4,
    });
    expect(inv.sshConfig).toBe(sshConfig);
  });

  it('lets the host and the inventory defaults win where they set a value', () => {
    const text =
      'defaults: { user: ops, port: 22 }\nhosts:\n  srvwapt: { address: 192.0.2.99, jump: none@gw:22 }\n';
    expect(parseInventory('inv.yml', text, { sshConfig }).hosts.get('srvwapt')).toMatchObject({
      address: '192.0.2.99',
      user: 'ops',
      port: 22,
      jump: 'none@gw:22',
      hostKeyPolicy: 'accept-new',
    });
  });

  it('matches a host by its address when its name matches no block', () => {
    const inv = parseInventory('inv.yml', 'hosts:\n  other: { address: 192.0.2.20 }\n', { sshConfig });
    expect(inv.hosts.get('other')).toMatchObject({ address: '192.0.2.20', user: 'byaddress', port: 22 });
  });

  it('without one, an address-less host is reached at its name with the defaults', () => {
    expect(parseInventory('inv.yml', 'hosts:\n  srvwapt: {}\n').hosts.get('srvwapt')).toMatchObject({
      address: 'srvwapt',
      user: userInfo().username,
      port: 22,
    });
  });

  it('accepts a jump to an alias the config knows and still refuses an unknown one', () => {
    const text = 'hosts:\n  a: { address: 10.0.0.1, jump: "bastion,bastoin" }\n';
    let problems: string[] = [];
    try {
      parseInventory('inv.yml', text, { sshConfig });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      problems = e.problems.map(formatProblem);
    }
    expect(problems).toEqual(["inv.yml:2:42 hosts.a.jump: unknown host 'bastoin'"]);
  });
});
