// Hosts reached only through an OpenSSH client config, against real throwaway sshds: one direct, one behind ProxyJump.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError } from '../../../../scripts/core/errors.js';
import { parseInventory } from '../../../../scripts/engine/load/load-inventory.js';
import type { HostEntry } from '../../../../scripts/engine/model.js';
import { transportFor } from '../../../../scripts/engine/run/connect.js';
import { raw } from '../../../../scripts/transport/command.js';
import { parseSshConfig } from '../../../../scripts/transport/ssh-config-file.js';
import { startTestSshd, type TestSshd } from '../../../helpers/test-sshd.js';

let gateway: TestSshd;
let target: TestSshd;
let dir: string;

beforeAll(async () => {
  [gateway, target] = await Promise.all([startTestSshd(), startTestSshd()]);
  dir = await mkdtemp(path.join(tmpdir(), 'waptops-ssh-config-'));
  await writeFile(path.join(dir, 'empty_known_hosts'), '');
}, 60_000);

afterAll(async () => {
  await Promise.all([gateway?.stop(), target?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** An ssh config naming the two servers; `gatewayKnown` is the known_hosts used for the gateway. */
function config(gatewayKnown = gateway.knownHostsFile) {
  const text = [
    'Host srvwapt',
    `  HostName ${target.address}`,
    `  Port ${target.port}`,
    `  IdentityFile ${path.join(dir, 'missing_key')}`,
    `  IdentityFile ${target.identityFile}`,
    `  UserKnownHostsFile ${target.knownHostsFile}`,
    'Host behind-gw',
    `  HostName ${target.address}`,
    `  Port ${target.port}`,
    '  ProxyJump gw',
    `  IdentityFile ${target.identityFile}`,
    `  UserKnownHostsFile ${target.knownHostsFile}`,
    'Host behind-two',
    `  HostName ${target.address}`,
    `  Port ${target.port}`,
    `  ProxyJump gw,${target.user}@${target.address}:${target.port}`,
    `  IdentityFile ${target.identityFile}`,
    `  UserKnownHostsFile ${target.knownHostsFile}`,
    'Host gw',
    `  HostName ${gateway.address}`,
    `  Port ${gateway.port}`,
    `  IdentityFile ${gateway.identityFile}`,
    `  UserKnownHostsFile ${gatewayKnown}`,
    'Host *',
    `  User ${target.user}`,
    '',
  ].join('\n');
  return parseSshConfig(path.join(dir, 'config'), text);
}

async function whoAmI(name: string, sshConfig = config()): Promise<string> {
  const inventory = parseInventory('inv.yml', `hosts:\n  ${name}: {}\n`, { sshConfig });
  const transport = transportFor(inventory.hosts.get(name) as HostEntry, inventory);
  try {
    await transport.connect();
    return (await transport.run(raw('id -un; echo "$SSH_CONNECTION" | cut -d" " -f4'))).stdout;
  } finally {
    await transport.close();
  }
}

describe('a host known only to the ssh config', () => {
  it('is reached at its HostName, Port, User, the first IdentityFile that exists and its UserKnownHostsFile', async () => {
    expect(await whoAmI('srvwapt')).toBe(`${target.user}\n${target.port}\n`);
  });

  it('is refused when the UserKnownHostsFile the config names does not know it', async () => {
    const sshConfig = parseSshConfig(
      'config',
      `Host srvwapt\n  HostName ${target.address}\n  Port ${target.port}\n  User ${target.user}\n  IdentityFile ${target.identityFile}\n  UserKnownHostsFile ${path.join(dir, 'empty_known_hosts')}\n`,
    );
    await expect(whoAmI('srvwapt', sshConfig)).rejects.toThrow(/unknown host key .*empty_known_hosts/);
  });
});

describe('ProxyJump from the ssh config', () => {
  it('goes through a jump host that is only in the config', async () => {
    expect(await whoAmI('behind-gw')).toBe(`${target.user}\n${target.port}\n`);
  });

  it("checks the jump host's key with the jump host's own UserKnownHostsFile", async () => {
    const attempt = whoAmI('behind-gw', config(path.join(dir, 'empty_known_hosts')));
    await expect(attempt).rejects.toBeInstanceOf(HostKeyError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`^gw: unknown host key for \\[127\\.0\\.0\\.1\\]:${gateway.port}`),
    );
    await expect(attempt).rejects.toMatchObject({ host: 'gw' });
  });

  it('follows a comma chain, first hop first', async () => {
    expect(await whoAmI('behind-two')).toBe(`${target.user}\n${target.port}\n`);
    // The first hop is the gateway: with its key unknown the chain stops there.
    await expect(whoAmI('behind-two', config(path.join(dir, 'empty_known_hosts')))).rejects.toMatchObject({
      host: 'gw',
    });
  });
});
