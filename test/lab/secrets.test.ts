// Lab: the secrets of reset-admin-password (the new password) and rotate-signing-key (the signing key) appear
// nowhere, on deb1 and rhel1: not in the host's process list sampled every 10 ms while each runs, its journal,
// shell history, /tmp or /var/log, nor on the controller in the log, the JSON and JUnit reports or the audit log.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { keyPieces } from '../helpers/certs.js';
import { labTempDir } from '../helpers/lab/lab-run.js';
import { runOnLabWith } from '../helpers/lab/run-with-env.js';

const HOSTS = ['deb1', 'rhel1'];
const SAMPLES = '/root/waptops-ps-samples';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Starts sampling every process's arguments every 10 ms on each host; returns a function that stops it. */
async function sampleProcesses(): Promise<() => Promise<void>> {
  const pids = await Promise.all(
    HOSTS.map(async (host) =>
      (
        await runInHost(
          host,
          `rm -f ${SAMPLES}; nohup sh -c 'while :; do ps -eo args >> ${SAMPLES}; echo ---- >> ${SAMPLES}; sleep 0.01; done' >/dev/null 2>&1 & echo $!`,
        )
      ).trim(),
    ),
  );
  return async () => {
    await Promise.all(HOSTS.map((host, i) => runInHost(host, `kill ${pids[i]}`)));
  };
}

/** Everything on a host where a secret could have been left, and how many process samples were taken. */
async function hostTraces(host: string): Promise<{ text: string; samples: number }> {
  const text = await runInHost(
    host,
    `cat ${SAMPLES}; journalctl --no-pager -q -o cat 2>/dev/null; cat /root/.bash_history /home/ops/.bash_history 2>/dev/null; grep -rah . /tmp /var/tmp /var/log 2>/dev/null || true`,
  );
  return { text, samples: text.split('\n----\n').length };
}

/** The controller's traces of the runs: every report and the audit log under tmp. */
function controllerTraces(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.pem') && !e.name.startsWith('new-password')) files.push(p);
    }
  };
  walk(tmp);
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

describe('secrets leave no trace', () => {
  it('reset-admin-password and rotate-signing-key: not in the process list (every 10 ms), journal, history, /tmp, /var/log, logs or reports', async () => {
    const password = `lab-${randomBytes(12).toString('base64url')}`;
    const passwordFile = path.join(tmp, 'new-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    const cert = path.join(tmp, 'new.crt');
    const key = path.join(tmp, 'new.pem');
    writeFileSync(cert, await runInHost('deb1', 'cat /opt/wapt/lab/keys/new.crt'));
    const keyPem = await runInHost('deb1', 'cat /opt/wapt/lab/keys/new.pem');
    writeFileSync(key, keyPem, { mode: 0o600 });
    const limit = ['--limit', HOSTS.join(','), '--junit', path.join(tmp, 'report.xml')];

    const stop = await sampleProcesses();
    const outputs: string[] = [];
    try {
      const reset = await runOnLabWith(tmp, 'reset-admin-password', [
        ...limit,
        '--secret-file',
        `new_password=${passwordFile}`,
      ]);
      expect(reset.code, reset.stdout + reset.stderr).toBe(0);
      const rotate = await runOnLabWith(tmp, 'rotate-signing-key', [
        ...limit,
        '-e',
        `cert=${cert}`,
        '-e',
        `key=${key}`,
        '-e',
        'agents_ready=true',
      ]);
      expect(rotate.code, rotate.stdout + rotate.stderr).toBe(0);
      outputs.push(reset.stdout, reset.stderr, rotate.stdout, rotate.stderr);
    } finally {
      await stop();
    }
    const controller = outputs.join('\n') + controllerTraces();
    expect(controller).toContain('rotate-signing-key');
    for (const host of HOSTS) {
      const { text, samples } = await hostTraces(host);
      // The sampler ran throughout: it saw the tools the runs started.
      expect(samples).toBeGreaterThan(50);
      expect(text).toMatch(/wapt-signpackages/);
      expect(text).not.toContain(password);
      expect(text).not.toContain('PRIVATE KEY');
      for (const piece of keyPieces(keyPem)) expect(text).not.toContain(piece);
    }
    expect(controller).not.toContain(password);
    expect(controller).not.toContain('PRIVATE KEY');
    for (const piece of keyPieces(keyPem)) expect(controller).not.toContain(piece);
  }, 180_000);
});
