// Lab: fix-duplicate-uuid on deb1 and rhel1 against the agent stand-in (WAPT 1.8.2 common.py host id precedence) -
// use_fqdn_as_uuid set and an overriding [global] uuid removed keeping every other line, or generate-uuid; check, run, re-run.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { type LabRun, labTempDir, runOnLab, stepNamed } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const INI = '/opt/wapt/wapt-get.ini';
const AGENT_PARAMS = '/opt/wapt/db/lab-params.json';
const FQDN_STEP = 'use_fqdn_as_uuid = True in [global]';
const GENERATE_STEP = 'wapt-get generate-uuid';
const FORCED_STEP = 'no [global] uuid overriding it';
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

/**
 * Runs `body` with each host's ini replaced by `edit(original)` and the agent's stored id forgotten (its own
 * parameter store, read before the DMI fallback: common.py:3228); the original bytes come back whatever happens.
 */
async function withIni(edit: (text: string) => string, body: () => Promise<void>): Promise<void> {
  const originals = Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await iniText(h)])));
  try {
    for (const host of HOSTS) {
      await writeIni(host, edit(originals[host] as string));
      await runInHost(host, `rm -f ${AGENT_PARAMS}`);
    }
    await body();
  } finally {
    for (const host of HOSTS) {
      await writeIni(host, originals[host] as string);
      await runInHost(host, `rm -f ${INI}.waptops-* ${AGENT_PARAMS}; systemctl start waptservice`);
    }
  }
  for (const host of HOSTS) expect(await iniText(host)).toBe(originals[host]);
}

/** The id the lab's agent stand-in resolves (common.py host_uuid :3227-3266): what the agent would register with. */
async function agentId(host: string): Promise<string> {
  return (await runInHost(host, 'wapt-get lab-host-uuid')).trim();
}

describe('the agent stand-in resolves its id as WAPT 1.8.2 does', () => {
  it('no DMI UUID (these containers have none) and no use_fqdn_as_uuid: the agent writes a random [global] uuid itself (common.py:3247-3253), which then overrides use_fqdn_as_uuid (:2921-2925)', async () => {
    await withIni(
      (text) => text.replace('use_fqdn_as_uuid = True', 'use_fqdn_as_uuid = False'),
      async () => {
        for (const host of HOSTS) {
          const id = await agentId(host);
          expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          expect(await iniText(host)).toMatch(new RegExp(`^uuid = ${id}$`, 'm'));
          await runInHost(host, `sed -i 's/^use_fqdn_as_uuid = False/use_fqdn_as_uuid = True/' ${INI}`);
          expect(await agentId(host)).toBe(id);
        }
      },
    );
  });
});

describe('fix-duplicate-uuid on real agents', () => {
  it('default: sets use_fqdn_as_uuid = True and removes the [global] uuid that overrides it, keeping every other line, with a backup; the agent then uses its FQDN; re-run changes nothing', async () => {
    const broken = (text: string) =>
      `; agent settings - this comment stays\n${text.replace(/^use_fqdn_as_uuid = True$/m, 'use_fqdn_as_uuid = False')}\n[options]\nkeep = me\n`;
    await withIni(broken, async () => {
      // The agent, with no DMI UUID, writes a random [global] uuid of its own (see above).
      for (const host of HOSTS) await agentId(host);
      const brokenTexts = await Promise.all(HOSTS.map(iniText));
      const before = await Promise.all(HOSTS.map(agentState));
      const check = await fixUuid({}, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) {
        expect(stepNamed(check, host, FQDN_STEP).status).toBe('changed');
        expect(stepNamed(check, host, FORCED_STEP).status).toBe('changed');
        expect(stepNamed(check, host, "the agent's current id").data?.stdout).toMatch(
          /^forced [0-9a-f-]{36}\n$/,
        );
      }
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(before);

      const run = await fixUuid();
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const [i, host] of HOSTS.entries()) {
        expect(stepNamed(run, host, FQDN_STEP).changes).toEqual([`set [global] use_fqdn_as_uuid in ${INI}`]);
        expect(stepNamed(run, host, RESTART).status).toBe('changed');
        const fixed = (brokenTexts[i] as string)
          .replace('use_fqdn_as_uuid = False', 'use_fqdn_as_uuid = True')
          .replace(/^uuid = .*\n/m, '');
        expect(await iniText(host)).toBe(fixed);
        expect(stepNamed(run, host, "the agent's new id").data?.stdout).toBe(`fqdn ${host}.wapt.lab\n`);
        expect(await agentId(host)).toBe(`${host}.wapt.lab`);
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

  it('method=generate: wapt-get generate-uuid writes rnd-<uuid4> (common.py:3268-3292) where the ini has none of its own, the ini backed up; re-run changes nothing; force=true makes another', async () => {
    const noFqdn = (text: string) => text.replace(/^use_fqdn_as_uuid = True\n/m, '');
    const uuidOf = async (host: string) => /^uuid = (.+)$/m.exec(await iniText(host))?.[1];
    await withIni(noFqdn, async () => {
      const originals = await Promise.all(HOSTS.map(iniText));
      const before = await Promise.all(HOSTS.map(agentState));
      const check = await fixUuid({ method: 'generate' }, true);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      for (const host of HOSTS) expect(stepNamed(check, host, GENERATE_STEP).status).toBe('changed');
      expect(await Promise.all(HOSTS.map(agentState))).toEqual(before);

      const run = await fixUuid({ method: 'generate' });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const generated: string[] = [];
      for (const [i, host] of HOSTS.entries()) {
        expect(stepNamed(run, host, "the agent's current id").data?.stdout).toBe('none\n');
        expect(stepNamed(run, host, GENERATE_STEP).status).toBe('changed');
        expect(stepNamed(run, host, RESTART).status).toBe('changed');
        const uuid = await uuidOf(host);
        expect(uuid).toMatch(/^rnd-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(stepNamed(run, host, "the agent's new id").data?.stdout).toBe(`forced ${uuid}\n`);
        expect(await agentId(host)).toBe(uuid);
        expect(await runInHost(host, `cat ${INI}.waptops-*`)).toBe(originals[i]);
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
