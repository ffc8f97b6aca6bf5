// Lab: fix-duplicate-uuid on deb1 and rhel1 - use_fqdn_as_uuid set keeping every other line, or generate-uuid; check, run, re-run.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const INI = '/opt/wapt/wapt-get.ini';
const FQDN_STEP = 'use_fqdn_as_uuid = True in [global]';
const GENERATE_STEP = 'wapt-get generate-uuid';
const RESTART = 'restart waptservice (it reads wapt-get.ini at start)';
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fixUuid(params: Record<string, string> = {}, check = false): Promise<LabRun> {
  return runOnLab(tmp, 'fix-duplicate-uuid', { limit: HOSTS.join(','), check, params });
}

/** The agent ini's exact bytes (base64), its backups, and waptservice's run: what a run may change. */
async function agentState(host: string): Promise<string> {
  return runInHost(
    host,
    `base64 -w0 ${INI}; echo; ls ${INI}.waptops-* 2>/dev/null; systemctl show -p ActiveState -p InvocationID waptservice`,
  );
}

async function iniText(host: string): Promise<string> {
  return runInHost(host, `cat ${INI}`);
}

async function writeIni(host: string, text: string): Promise<void> {
  await runInHost(host, `printf %s '${Buffer.from(text).toString('base64')}' | base64 -d > ${INI}`);
}

/** Runs `body` with each host's ini replaced by `edit(original)`; the original bytes come back whatever happens. */
async function withIni(edit: (text: string) => string, body: () => Promise<void>): Promise<void> {
  const originals = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await iniText(h)])));
  try {
    for (const host of HOSTS) await writeIni(host, edit(originals[host] as string));
    await body();
  } finally {
    for (const host of HOSTS) {
      await writeIni(host, originals[host] as string);
      await runInHost(host, `rm -f ${INI}.waptops-*; systemctl start waptservice`);
    }
  }
  for (const host of HOSTS) expect(await iniText(host)).toBe(originals[host]);
}

describe('fix-duplicate-uuid on real agents', () => {
  it('default: sets use_fqdn_as_uuid = True keeping every other line, with a backup, restarts waptservice; re-run changes nothing', async () => {
    const broken = (text: string) =>
      `; agent settings - this comment stays\n${text.replace(/^use_fqdn_as_uuid = True$/m, 'use_fqdn_as_uuid = False')}\n[options]\nkeep = me\n`;
    await withIni(broken, async () => {
      const before = await Promise.all(HOSTS.map(agentState));
      const brokenTexts = await Promise.all(HOSTS.map(iniText));
      const check = await fixUuid({}, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) expect(stepNamed(check, host, FQDN_STEP).status).toBe('changed');
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(before);

      const run = await fixUuid();
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const [i, host] of HOSTS.entries()) {
        expect(stepNamed(run, host, FQDN_STEP).changes).toEqual([`set [global] use_fqdn_as_uuid in ${INI}`]);
        expect(stepNamed(run, host, RESTART).status).toBe('changed');
        const fixed = (brokenTexts[i] as string).replace(
          'use_fqdn_as_uuid = False',
          'use_fqdn_as_uuid = True',
        );
        expect(await iniText(host)).toBe(fixed);
        const backup = await runInHost(host, `cat ${INI}.waptops-*`);
        expect(backup).toBe(brokenTexts[i]);
      }

      const settled = await Promise.all(HOSTS.map(agentState));
      const again = await fixUuid();
      expect(again.code).toBe(0);
      for (const host of HOSTS) {
        expect(again.report.hosts[host]?.recap?.changed).toBe(0);
        expect(stepNamed(again, host, FQDN_STEP).message).toBe('already set');
        expect(stepNamed(again, host, RESTART).status).toBe('skipped');
      }
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(settled);
    });
  });

  it('method=generate: a new uuid where the ini has none of its own, restart; re-run changes nothing; force=true makes another', async () => {
    const noFqdn = (text: string) => text.replace(/^use_fqdn_as_uuid = True\n/m, '');
    const uuidOf = async (host: string) => /^uuid = (.+)$/m.exec(await iniText(host))?.[1];
    await withIni(noFqdn, async () => {
      const before = await Promise.all(HOSTS.map(agentState));
      const check = await fixUuid({ method: 'generate' }, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) expect(stepNamed(check, host, GENERATE_STEP).status).toBe('changed');
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(before);

      const run = await fixUuid({ method: 'generate' });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const generated: string[] = [];
      for (const host of HOSTS) {
        expect(stepNamed(run, host, "the agent's current uuid").data?.stdout).toBe('missing\n');
        expect(stepNamed(run, host, GENERATE_STEP).status).toBe('changed');
        expect(stepNamed(run, host, RESTART).status).toBe('changed');
        const uuid = await uuidOf(host);
        expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(stepNamed(run, host, "the agent's new uuid").data?.stdout).toBe(`own ${uuid}\n`);
        generated.push(uuid as string);
      }
      expect(generated[0]).not.toBe(generated[1]);

      const settled = await Promise.all(HOSTS.map(agentState));
      const again = await fixUuid({ method: 'generate' });
      expect(again.code).toBe(0);
      for (const host of HOSTS) {
        expect(again.report.hosts[host]?.recap?.changed).toBe(0);
        expect(stepNamed(again, host, GENERATE_STEP).status).toBe('skipped');
      }
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(settled);

      const forced = await fixUuid({ method: 'generate', force: 'true' });
      expect(forced.code).toBe(0);
      for (const [i, host] of HOSTS.entries()) {
        expect(stepNamed(forced, host, GENERATE_STEP).status).toBe('changed');
        expect(await uuidOf(host)).not.toBe(generated[i]);
      }
    });
  });
});
