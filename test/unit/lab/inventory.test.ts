// Tests the lab's generated inventory and known_hosts lines against the documented format.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LAB_HOSTS } from '../../../scripts/lab/config.js';
import { renderInventory } from '../../../scripts/lab/inventory.js';
import { knownHostsLine } from '../../../scripts/lab/keys.js';

describe('lab inventory', () => {
  const text = renderInventory(LAB_HOSTS, { deb1: '/dev/loop3', rhel1: '/dev/loop4' });
  const inventory = parse(text);

  it('pins hosts strictly with the lab key and known_hosts', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/inventory.schema.json');
    expect(inventory.defaults).toMatchObject({
      user: 'root',
      port: 22,
      host_key_policy: 'strict',
      identity_file: '/var/lib/waptops-lab/id_ed25519',
      known_hosts: '/var/lib/waptops-lab/known_hosts',
    });
  });

  it('gives each host its lab address, FQDN and own spare device', () => {
    expect(inventory.hosts.deb1).toMatchObject({
      address: '198.18.0.11',
      vars: { spare_device: '/dev/loop3', fqdn: 'deb1.wapt.lab' },
    });
    expect(inventory.hosts.rhel1).toMatchObject({
      address: '198.18.0.12',
      vars: { spare_device: '/dev/loop4', fqdn: 'rhel1.wapt.lab' },
    });
  });

  it('groups hosts by role', () => {
    expect(inventory.groups).toEqual({
      wapt_servers: { hosts: ['deb1', 'rhel1'] },
      wapt_agents: { hosts: ['deb1', 'rhel1'] },
      debian: { hosts: ['deb1'] },
      rhel: { hosts: ['rhel1'] },
    });
  });

  it('keeps every lab address inside 198.18.0.0/15', () => {
    for (const host of LAB_HOSTS) expect(host.address).toMatch(/^198\.(18|19)\.\d+\.\d+$/);
  });

  it('pins a host key under address, name and FQDN without the key comment', () => {
    const host = LAB_HOSTS[0];
    if (!host) throw new Error('no lab host');
    expect(knownHostsLine(host, 'ssh-ed25519 AAAAC3Nza deb1')).toBe(
      '198.18.0.11,deb1,deb1.wapt.lab ssh-ed25519 AAAAC3Nza',
    );
  });
});
