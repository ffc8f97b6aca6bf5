// End to end: `waptops run --check` through the built CLI against a real sshd, from an Ansible INI inventory
// with group_vars/, and from an inventory that leaves the connection to the OpenSSH client config.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';
import { startTestSshd, type TestSshd } from '../../helpers/test-sshd.js';

const PLAYBOOK = 'test/fixtures/playbooks/e2e/inventory-vars.yml';

let sshd: TestSshd;
let tmp: string;

beforeAll(async () => {
  sshd = await startTestSshd({ privateRunLock: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-ansible-'));
  await mkdir(path.join(tmp, 'group_vars'));
  await writeFile(
    path.join(tmp, 'hosts.ini'),
    [
      '# A WAPT server in Paris, and one that must not be contacted.',
      '[wapt_servers]',
      `srvwapt.example.lan ansible_host=${sshd.address} ansible_port=${sshd.port}`,
      '',
      '[elsewhere]',
      'nowhere.example.lan ansible_host=192.0.2.1',
      '',
      '[paris:children]',
      'wapt_servers',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(tmp, 'group_vars', 'all.yml'),
    [
      `ansible_user: ${sshd.user}`,
      `ansible_ssh_private_key_file: ${sshd.identityFile}`,
      `ansible_ssh_common_args: -o UserKnownHostsFile=${sshd.knownHostsFile} -o ConnectTimeout=5`,
      'ansible_become: true',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(tmp, 'group_vars', 'paris.yml'), 'site_name: paris\n');
}, 60_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await sshd?.stop();
});

async function whoLine(args: string[]): Promise<{ code: number; line: unknown; stderr: string }> {
  const report = path.join(tmp, `report-${Math.random().toString(36).slice(2)}.json`);
  const r = await runCli(['run', PLAYBOOK, '--check', '--json', report, ...args], {
    XDG_STATE_HOME: path.join(tmp, 'state'),
  });
  const json = JSON.parse(await readFile(report, 'utf8'));
  const host = Object.values(json.hosts)[0] as { steps: { data: { stdout?: string } }[] };
  return { code: r.code, line: host?.steps[0]?.data?.stdout, stderr: r.stderr };
}

describe('waptops run --check with an Ansible INI inventory', () => {
  it('connects as group_vars say, becomes root, reads a group var, and --limit takes a group', async () => {
    const r = await whoLine(['-i', path.join(tmp, 'hosts.ini'), '--limit', 'paris', '--ssh-config', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.line).toBe(`root ${sshd.user} paris\n`);
  });
});

describe('waptops run --check with the connection in an ssh config', () => {
  it('reaches a host the inventory names only, through HostName, Port, User, IdentityFile, UserKnownHostsFile', async () => {
    // A directory of its own: no group_vars/ beside this inventory.
    const dir = path.join(tmp, 'names-only');
    await mkdir(dir);
    await writeFile(
      path.join(dir, 'hosts.ini'),
      '[wapt_servers]\nsrvwapt\n\n[wapt_servers:vars]\nsite_name=lyon\n',
    );
    await writeFile(
      path.join(tmp, 'ssh_config'),
      [
        'Host srvwapt',
        `  HostName ${sshd.address}`,
        `  Port ${sshd.port}`,
        `  User ${sshd.user}`,
        `  IdentityFile ${sshd.identityFile}`,
        `  UserKnownHostsFile ${sshd.knownHostsFile}`,
        '',
      ].join('\n'),
    );
    const r = await whoLine([
      '-i',
      path.join(dir, 'hosts.ini'),
      '--ssh-config',
      path.join(tmp, 'ssh_config'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.line).toBe(`${sshd.user}  lyon\n`);
  });
});
