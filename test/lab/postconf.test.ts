// Lab: rerun-postconf on deb1 and rhel1 (--check says what postconf will change and changes nothing, a run reports
// the diffs and flags registration turned on, a re-run has an empty diff, a failure puts the files back), and `waptops attach` giving postconf.sh's interactive mode a real terminal (tmux).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { CLI } from '../helpers/cli-process.js';
import { labInventoryAs, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const SITE: Record<string, string> = {
  deb1: '/etc/nginx/sites-available/wapt.conf',
  rhel1: '/etc/nginx/conf.d/wapt.conf',
};
const CONF = '/opt/wapt/conf';
const SSL = '/opt/wapt/waptserver/ssl';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Names, attributes and checksums of the files postconf may touch (the runbook's own backups left out). */
async function files(host: string): Promise<string> {
  return runInHost(
    host,
    `for f in ${CONF}/* ${SSL}/* ${SITE[host]} /etc/nginx/nginx.conf; do case $f in *.waptops-*) continue;; esac; echo "$(stat -c '%n %a %U %G' "$f") $(sha256sum < "$f")"; done`,
  );
}

/** A copy of inventory/lab.yml whose hosts' postconf.sh is a script that rewrites the site, then fails. */
function inventoryWithFailingPostconf(): string {
  const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as {
    hosts: Record<string, { vars: Record<string, unknown> }>;
  };
  for (const host of Object.values(inventory.hosts)) host.vars.wapt_postconf = '/root/failing-postconf';
  const file = path.join(tmp, 'lab-failing-postconf.yml');
  writeFileSync(file, stringify(inventory));
  return file;
}

const PREVIEW = 'postconf -q will';
const POSTCONF = 'postconf.sh -q';
const DIFF = 'what postconf changed in waptserver.ini, nginx.conf and the WAPT site';
const TURNED_ON = 'allow_unauthenticated_registration turned on?';

// The lab stand-in follows WAPT 1.8.2 postconf.py main() (:420-700): what it changes is read from there.
describe('rerun-postconf', () => {
  it('--check says what postconf will change and changes nothing; a run backs up, reports the diffs (secrets masked) and flags registration turned on; a re-run has an empty diff', async () => {
    const before = await Promise.all(HOSTS.map(files));
    const params = { force_https: 'true' };
    const check = await runOnLab(tmp, 'rerun-postconf', { limit: HOSTS.join(','), params, check: true });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    for (const host of HOSTS) {
      const preview = stepNamed(check, host, PREVIEW).message ?? '';
      expect(preview).toMatch(/warning: set allow_unauthenticated_registration = True \(now ''\)/);
      expect(preview).toMatch(/make a clients CA in \/opt\/wapt\/conf/);
      expect(preview).toMatch(/set PostgreSQL max_connections = 1000/);
      expect(preview).toContain(`rewrite ${SITE[host]} from its template`);
      expect(stepNamed(check, host, POSTCONF).status).toBe('changed');
    }
    expect(await Promise.all(HOSTS.map(files))).toEqual(before);

    const real = await runOnLab(tmp, 'rerun-postconf', { limit: HOSTS.join(','), params });
    expect(real.code, real.stdout + real.stderr).toBe(0);
    for (const host of HOSTS) {
      expect(await runInHost(host, `cat ${SITE[host]}`)).toContain('return 301 https://$host$request_uri;');
      expect(await runInHost(host, `ls ${CONF}`)).toMatch(/waptserver\.ini\.bck_/);
      expect(await runInHost(host, `ls ${CONF}`)).toMatch(/waptserver\.ini\.waptops-\d{8}T\d{6}Z\n/);
      expect((await runInHost(host, `stat -c '%a %U' ${CONF}/waptserver.ini`)).trim()).toBe('640 wapt');
      const diff = String(stepNamed(real, host, DIFF).data?.stdout ?? '');
      expect(diff).toContain('+allow_unauthenticated_registration = True');
      expect(diff).toContain(`--- ${SITE[host]} (before)`);
      expect(diff).toContain('+    return 301 https://$host$request_uri;');
      expect(diff).toContain('+worker_rlimit_nofile 32768;');
      expect(diff).toMatch(/^\+clients_signing_key = \(secret\)$/m);
      const secret = (await runInHost(host, `sed -n 's/^secret_key = //p' ${CONF}/waptserver.ini`)).trim();
      expect(secret.length).toBeGreaterThan(31);
      expect(JSON.stringify(real.report) + real.stdout).not.toContain(secret);
      expect(stepNamed(real, host, TURNED_ON).message).toMatch(
        /postconf turned allow_unauthenticated_registration on/,
      );
    }

    const again = await runOnLab(tmp, 'rerun-postconf', { limit: HOSTS.join(','), params });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    for (const host of HOSTS) {
      expect(stepNamed(again, host, DIFF).data?.stdout).toBe('');
      expect(stepNamed(again, host, PREVIEW).message).not.toMatch(/registration/);
      expect(stepNamed(again, host, TURNED_ON).message).toBe('no problem found');
    }
  });

  it('a postconf that fails after rewriting the site: the three files are put back', async () => {
    const before = await Promise.all(HOSTS.map(files));
    for (const host of HOSTS)
      await runInHost(
        host,
        `printf '#!/bin/sh\necho broken > ${SITE[host]}\necho "server_uuid = x" >> ${CONF}/waptserver.ini\nexit 3\n' > /root/failing-postconf && chmod 755 /root/failing-postconf`,
      );
    const failed = await runOnLab(tmp, 'rerun-postconf', {
      limit: HOSTS.join(','),
      inventory: inventoryWithFailingPostconf(),
    });
    expect(failed.code).toBe(2);
    for (const host of HOSTS) {
      expect(stepNamed(failed, host, POSTCONF).status).toBe('failed');
      expect(
        stepNamed(failed, host, 'put waptserver.ini, nginx.conf and the WAPT site back', true).status,
      ).toBe('changed');
    }
    expect(await Promise.all(HOSTS.map(files))).toEqual(before);
  });
});

/** A private tmux server running one command line in a 100x30 terminal; the pane stays to be read. */
function tmuxTerminal(command: string) {
  const socket = `waptops-attach-${process.pid}-${randomBytes(3).toString('hex')}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'main', '-x', '100', '-y', '30', `${command}; echo __EXIT__$?; sleep 600`);
  const screen = () => tmux('capture-pane', '-p', '-t', 'main');
  return {
    tmux,
    async waitFor(text: string, limitMs = 60_000): Promise<string> {
      const deadline = Date.now() + limitMs;
      for (;;) {
        const shown = screen();
        if (shown.includes(text)) return shown;
        if (Date.now() > deadline) throw new Error(`screen never showed ${JSON.stringify(text)}:\n${shown}`);
        await sleep(100);
      }
    },
    close: () => spawnSync('tmux', ['-L', socket, 'kill-server']),
  };
}

describe('waptops attach', () => {
  it('gives the remote command a terminal of this size, follows resizes, returns its exit code, becomes root through sudo', async () => {
    const inventory = labInventoryAs(tmp, 'ops');
    const script = 'id -un; stty size; read line; stty size; exit 7';
    const term = tmuxTerminal(`node ${CLI} attach -i ${inventory} rhel1 --become -- sh -c '${script}'`);
    try {
      await term.waitFor('30 100');
      term.tmux('resize-window', '-t', 'main', '-x', '90', '-y', '20');
      await sleep(300);
      term.tmux('send-keys', '-t', 'main', 'go', 'Enter');
      const shown = await term.waitFor('__EXIT__');
      expect(shown).toMatch(/^root\r?$/m);
      expect(shown).toContain('20 90');
      expect(shown).toContain('__EXIT__7');
    } finally {
      term.close();
    }
  });

  // postconf.py:408-413: without -q it first asks (a dialog) whether to go on, and a no ends it with exit 1.
  it('runs postconf.sh in its interactive mode through attach on both hosts (its first question answered no)', async () => {
    for (const host of HOSTS) {
      const term = tmuxTerminal(
        `node ${CLI} attach -i ${INVENTORY_FILE} ${host} --become -- /opt/wapt/waptserver/scripts/postconf.sh`,
      );
      try {
        await term.waitFor('Do you want to launch post configuration tool ?');
        term.tmux('send-keys', '-t', 'main', 'no', 'Enter');
        const shown = await term.waitFor('__EXIT__');
        expect(shown).toContain('Canceling wapt postconfiguration');
        expect(shown).toContain('__EXIT__1');
      } finally {
        term.close();
      }
    }
  });
});
