// Start-up cost: schemas compiled at build time, one bundled CLI, and nothing loaded that a command does not use.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../../scripts/actions/index.js';
import { CLI } from '../../helpers/cli-process.js';
import { startTestSshd, type TestSshd } from '../../helpers/test-sshd.js';

const exec = promisify(execFile);
const TRACE = path.resolve('test/helpers/module-trace/register.mjs');
// The compiled modules, which read the validators the build wrote beside them.
const dist = (rel: string) => import(path.resolve('dist/scripts', rel));

let tmp: string;
let sshd: TestSshd;
let inventory: string;

/** Runs the CLI with the module trace on; returns its result and every module it loaded. */
async function traced(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; modules: string[] }> {
  const file = path.join(tmp, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const env = {
    ...process.env,
    CI: 'true',
    MODULE_TRACE_FILE: file,
    XDG_STATE_HOME: path.join(tmp, 'state'),
  };
  const r = await exec(process.execPath, ['--import', TRACE, CLI, ...args], { env }).then(
    (ok) => ({ code: 0, ...ok }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  const modules = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, modules };
}

// ajv's few runtime helpers (dist/runtime) are what the precompiled validators use; its compiler is the cost.
const loadedPackage = (modules: string[], name: string) =>
  modules.some((m) => m.includes(`/node_modules/${name}/`) && !m.includes('/ajv/dist/runtime/'));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-startup-'));
  sshd = await startTestSshd({ privateRunLock: true });
  inventory = path.join(tmp, 'inventory.yml');
  await writeFile(
    inventory,
    [
      'hosts:',
      '  box1:',
      `    address: ${sshd.address}`,
      `    port: ${sshd.port}`,
      `    user: ${sshd.user}`,
      `    identity_file: ${sshd.identityFile}`,
      `    known_hosts: ${sshd.knownHostsFile}`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await sshd?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('start-up', () => {
  it('the build compiled a validator for every schema a shipped runbook meets', async () => {
    const v = await dist('engine/schema/validators.js');
    const { InventorySchema } = await dist('engine/schema/inventory-schema.js');
    const { PlaybookSchema } = await dist('engine/schema/playbook-schema.js');
    const { OsVarsSchema } = await dist('engine/load/os-vars.js');
    const built = (await dist('actions/index.js')).actions as typeof actions;
    expect(Object.keys(built).sort()).toEqual(Object.keys(actions).sort());
    for (const schema of [InventorySchema, PlaybookSchema, OsVarsSchema])
      expect(v.isPrecompiled('plain', schema)).toBe(true);
    const missing = Object.values(built).filter((a) => !v.isPrecompiled('with', a.schema));
    expect(missing.map((a) => a.name)).toEqual([]);
    const { loadPlaybook } = await dist('engine/load/load-playbook.js');
    const { coercingSchemaOf, plainSchemaOf } = await dist('engine/load/param-specs.js');
    const files = (await exec('sh', ['-c', 'ls playbooks/*.yml | grep -v os-vars'])).stdout
      .split('\n')
      .filter(Boolean);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const playbook = loadPlaybook(f);
      for (const spec of Object.values(playbook.params ?? {})) {
        expect(v.isPrecompiled('plain', plainSchemaOf(spec)), `${f}: ${JSON.stringify(spec)}`).toBe(true);
        expect(v.isPrecompiled('coercing', coercingSchemaOf(spec))).toBe(true);
      }
    }
  });

  it('a precompiled validator gives the same verdict and errors as ajv compiling the schema now', async () => {
    const v = await dist('engine/schema/validators.js');
    const built = (await dist('actions/index.js')).actions as typeof actions;
    const samples: unknown[] = [{}, { bogus: 1 }, { path: 7 }, { path: '/x', mode: 'rwx' }, null, []];
    for (const action of Object.values(built)) {
      const fresh = v.newAjv(v.kindOptions.with).compile(action.schema);
      const pre = v.validatorOf('with', action.schema);
      for (const sample of samples) {
        const a = structuredClone(sample);
        const b = structuredClone(sample);
        expect(pre(a), `${action.name} ${JSON.stringify(sample)}`).toBe(fresh(b));
        const shown = (
          errs: { instancePath: string; keyword: string; message?: string }[] | null | undefined,
        ) => (errs ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message}`);
        expect(shown(pre.errors)).toEqual(shown(fresh.errors));
        expect(a).toEqual(b); // the same defaults filled in
      }
    }
  });

  it('run --check over SSH loads one bundle and neither ajv, listr2 nor zx', async () => {
    const r = await traced(['run', 'test/fixtures/playbooks/bench/true-x1.yml', '-i', inventory, '--check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/RESULT: 1 hosts? ok/);
    for (const name of ['ajv', 'listr2', 'zx', '@sinclair/typebox', 'yaml', 'commander'])
      expect(loadedPackage(r.modules, name), name).toBe(false);
    const ownFiles = r.modules.filter((m) => m.includes('/dist/') && !m.includes('/node_modules/'));
    expect(ownFiles.some((m) => m.includes('/dist/bin/waptops.js'))).toBe(true);
    // The bundle and its chunks, the precompiled validators: no module of dist/scripts is loaded one by one.
    expect(ownFiles.filter((m) => /\/dist\/scripts\/.*\.js$/.test(m))).toEqual([]);
    expect(loadedPackage(r.modules, 'ssh2')).toBe(true);
  });

  it('a param schema the build did not know is compiled at run time (ajv loaded then), with its errors', async () => {
    const playbook = path.join(tmp, 'own.yml');
    await writeFile(
      playbook,
      [
        'name: own',
        'description: A playbook with a param schema of its own.',
        'hosts: all',
        'params:',
        '  code: { type: string, pattern: "^[A-Z]{3}$", default: "abcd" }',
        'steps:',
        '  - { name: t, action: command, with: { argv: ["true"] }, changed_when: false }',
        '',
      ].join('\n'),
    );
    const r = await traced(['validate', playbook]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`${playbook}:5:57 params.code.default: must match ^[A-Z]{3}$`);
    expect(loadedPackage(r.modules, 'ajv')).toBe(true);
  });

  it('ends quietly with status 0 when its reader stops early (`waptops list | head -1`)', async () => {
    const { stdout, stderr } = await exec('sh', [
      '-c',
      `"${process.execPath}" "${CLI}" list | head -1; echo "rc=$?"`,
    ]);
    expect(stdout.split('\n')[0]).toMatch(/^[a-z0-9-]+$/);
    expect(stderr).toBe('');
  });
});
