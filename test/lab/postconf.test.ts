// Lab: rerun-postconf on deb1 and rhel1 (--check changes nothing, a run with a new flag changes the nginx site, a second
// run changes nothing), and `waptops attach` giving postconf.sh's interactive mode a real terminal (tmux).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { CLI } from '../helpers/cli-process.js';
import { labInventoryAs, labTempDir, runOnLab } from '../helpers/lab/lab-run.js';
import { stepStatuses } from '../helpers/lab/run-with-env.js';

const HOSTS = ['deb1', 'rhel1'];
const SITE: Record<string, string> = {
  deb1: '/etc/nginx/sites-available/wapt.conf',
  rhel1: '/etc/nginx/conf.d/wapt.conf',
};
const CONF = '/opt/wapt/conf';
const SSL = '/opt/wapt/waptserver/ssl';
const SAVED = '/root/waptops-test-postconf';
const tmp = labTempDir();

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function save(host: string): Promise<void> {
  await runInHost(
    host,
    `set -e; rm -rf ${SAVED}; mkdir -p ${SAVED}; cp -a ${CONF} ${SSL} ${SITE[host]} ${SAVED}/`,
  );
}

async function restore(host: string): Promise<void> {
  await runInHost(
    host,
    `set -e; rm -rf ${CONF} ${SSL}; cp -a ${SAVED}/conf ${CONF}; cp -a ${SAVED}/ssl ${SSL}
     cp -a ${SAVED}/wapt.conf ${SITE[host]}; rm -rf ${SAVED}; systemctl restart nginx waptserver wapttasks`,
  );
}

/** Names, attributes and checksums of the files postconf may touch. */
async function files(host: string): Promise<string> {
  return runInHost(
    host,
    `for f in ${CONF}/* ${SSL}/* ${SITE[host]}; do echo "$(stat -c '%n %a %U %G' "$f") $(sha256sum < "$f")"; done`,
  );
}

const names = ['postconf.sh -q', 'waptserver is active', 'the server answers /ping on 443'];
const expectSteps = (statuses: string[]) =>
  Object.fromEntries(HOSTS.map((h) => [h, names.map((name, i) => [name, statuses[i]])]));

describe('rerun-postconf', () => {
  it('--check changes nothing, a run with force_https rewrites the site, a second run changes nothing', async () => {
    await Promise.all(HOSTS.map(save));
    try {
      const before = await Promise.all(HOSTS.map(files));
      const params = { force_https: 'true' };
      const check = await runOnLab(tmp, 'rerun-postconf', { limit: HOSTS.join(','), params, check: true });
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(stepStatuses(check.report)).toEqual(expectSteps(['changed', 'ok', 'ok']));
      expect(await Promise.all(HOSTS.map(files))).toEqual(before);

      const real = await runOnLab(tmp, 'rerun-postconf', { limit: HOSTS.join(','), params });
      expect(real.code, real.stdout + real.stderr).toBe(0);
      expect(stepStatuses(real.report)).toEqual(expectSteps(['changed', 'ok', 'ok']));
      for (const host of HOSTS) {
        expect(await runInHost(host, `cat ${SITE[host]}`)).toContain('return 301 https://$host$request_uri;');
        expect(await runInHost(host, `ls ${CONF}`)).toMatch(/waptserver\.ini\.bck_/);
        expect((await runInHost(host, `stat -c '%a %U' ${CONF}/waptserver.ini`)).trim()).toBe('640 wapt');
      }

      const again = await runOnLab(tmp, 'rerun-postconf', { limit: HOSTS.join(','), params });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(stepStatuses(again.report)).toEqual(expectSteps(['ok', 'ok', 'ok']));
      for (const host of HOSTS) expect(again.report.hosts[host]?.recap?.changed).toBe(0);
    } finally {
      await Promise.all(HOSTS.map(restore));
    }
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

  it('runs postconf.sh in its interactive mode through attach on both hosts', async () => {
    await Promise.all(HOSTS.map(save));
    try {
      for (const host of HOSTS) {
        const term = tmuxTerminal(
          `node ${CLI} attach -i ${INVENTORY_FILE} ${host} --become -- /opt/wapt/waptserver/scripts/postconf.sh`,
        );
        try {
          await term.waitFor('WAPT admin password (empty keeps the current one):');
          term.tmux('send-keys', '-t', 'main', 'Enter');
          const shown = await term.waitFor('__EXIT__');
          expect(shown).toContain('postconfiguration done');
          expect(shown).toContain('__EXIT__0');
        } finally {
          term.close();
        }
      }
    } finally {
      await Promise.all(HOSTS.map(restore));
    }
  });
});
