// Lab: shell-injection payloads through every string param of every shipped playbook (-e), through inventory
// vars and a host name, and through the names of the controller files a runbook reads: on deb1 and rhel1 and
// on the controller, nothing they name ever runs, and a file lands under its literal name where it belongs.
// (A NUL cannot be passed in argv at all: execve refuses it.)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { labTempDir, runOnLab } from '../helpers/lab/lab-run.js';
import { runOnLabWith } from '../helpers/lab/run-with-env.js';

const HOSTS = ['deb1', 'rhel1'];
const tmp = labTempDir();
const MARK = path.join(tmp, 'pwned');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Each payload tries to create MARK (on the controller) or /tmp/pwned (on a host) if anything evaluates it. */
const PAYLOADS = [
  `; touch ${MARK}; touch /tmp/pwned`,
  `$(touch ${MARK})$(touch /tmp/pwned)`,
  `\`touch ${MARK}\`\`touch /tmp/pwned\``,
  `x\ntouch ${MARK}\ntouch /tmp/pwned`,
  `' ; touch ${MARK} ; touch /tmp/pwned ; '`,
  `" ; touch ${MARK} ; touch /tmp/pwned ; "`,
  '--help',
  '-rf /',
  '../../../../etc/shadow',
  '／etc／shadow',
];

/** Every string param of every shipped playbook. */
function stringParams(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of readdirSync('playbooks').filter((f) => f.endsWith('.yml') && f !== 'os-vars.yml')) {
    const doc = parse(readFileSync(path.join('playbooks', file), 'utf8')) as {
      name: string;
      params?: Record<string, { type?: string; secret?: boolean }>;
    };
    for (const [name, spec] of Object.entries(doc.params ?? {}))
      if (spec.type === 'string' && !spec.secret) out.push([doc.name, name]);
  }
  return out;
}

async function nothingRan(): Promise<void> {
  expect(existsSync(MARK)).toBe(false);
  for (const host of HOSTS)
    expect(await runInHost(host, 'ls /tmp/pwned 2>&1 || true')).toMatch(/No such file/);
}

describe('injection', () => {
  it.each(stringParams())(
    '%s: every payload in -e %s runs nothing (--check)',
    async (playbook, param) => {
      for (const payload of PAYLOADS) {
        const run = await runOnLabWith(tmp, playbook, [
          '--limit',
          HOSTS.join(','),
          '--check',
          '-e',
          `${param}=${payload}`,
        ]);
        // Refused (1), a failed step (2), unreachable (3): any documented code but an internal error.
        expect([0, 1, 2, 3], `${playbook} ${param}=${JSON.stringify(payload)}: ${run.stderr}`).toContain(
          run.code,
        );
      }
      await nothingRan();
    },
    600_000,
  );

  it('payloads in inventory vars and a host name run nothing', async () => {
    const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as {
      hosts: Record<string, { vars: Record<string, unknown> }>;
    };
    for (const host of Object.values(inventory.hosts)) {
      host.vars.wapt_folder = PAYLOADS[1];
      host.vars.agent_ini = PAYLOADS[0];
      host.vars.fqdn = PAYLOADS[2];
    }
    const evil = path.join(tmp, 'evil-vars.yml');
    writeFileSync(evil, stringify(inventory));
    for (const playbook of ['lint-repo', 'fix-duplicate-uuid', 'regenerate-cert', 'doctor']) {
      const run = await runOnLabWith(tmp, playbook, ['-i', evil, '--check']);
      expect([0, 1, 2, 3], run.stderr).toContain(run.code);
    }
    const named = { ...inventory, hosts: { [`deb1$(touch ${MARK})`]: inventory.hosts.deb1 } };
    const badName = path.join(tmp, 'evil-name.yml');
    writeFileSync(badName, stringify(named));
    const refused = await runOnLabWith(tmp, 'health', ['-i', badName, '--check']);
    expect([1, 3], refused.stderr).toContain(refused.code);
    await nothingRan();
  }, 300_000);

  it("migrate-repo's source cannot leave the web root (var wapt_root), nor climb out with ..", async () => {
    for (const source of ['/etc', '/var', '/var/www/../../etc', '/root']) {
      const run = await runOnLabWith(tmp, 'migrate-repo', [
        '--limit',
        'deb1',
        '--check',
        '-e',
        'device=/dev/loop7',
        '-e',
        `source=${source}`,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stdout).toMatch(/source .* (is outside \/var\/www|has a \. or \.\. in it)/);
    }
    expect(await runInHost('deb1', 'ls -d /etc /root /var >/dev/null && echo kept')).toBe('kept\n');
  }, 120_000);

  it('a controller file named with a payload is deployed under that literal name, inside /opt/wapt/ssl', async () => {
    const dir = path.join(tmp, 'certs');
    mkdirSync(dir);
    const name = '$(touch pwned);`id`..crt';
    const cert = path.join(dir, name);
    writeFileSync(cert, await runInHost('deb1', 'cat /opt/wapt/lab/keys/new.crt'));
    const run = await runOnLab(tmp, 'deploy-signing-cert', { limit: 'deb1', params: { cert } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await runInHost('deb1', 'ls /opt/wapt/ssl')).toContain(name);
    expect(
      await runInHost(
        'deb1',
        'ls -d /pwned /opt/wapt/pwned /opt/wapt/ssl/pwned /root/pwned 2>/dev/null | wc -l',
      ),
    ).toBe('0\n');
    await nothingRan();
  }, 120_000);
});
