// `waptops run RUNBOOK --help` and `waptops help RUNBOOK` through the built CLI: description, params, make
// target and example; and each make target help names is run through make to prove it maps as help says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAKE_TARGETS } from '../../../scripts/cli/make-targets.js';
import { runCli } from '../../helpers/cli-process.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'waptops-help-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const runbooks = readdirSync('playbooks')
  .filter((f) => f.endsWith('.yml') && f !== 'os-vars.yml')
  .map((f) => f.replace(/\.yml$/, ''));

describe('help on a runbook', () => {
  it('run migrate-repo --help: description, every param with its facts, make target, example, then the options', async () => {
    const r = await runCli(['run', 'migrate-repo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toMatch(/^migrate-repo: The guide's «Comment déplacer mon dépôt sur une autre partition»/);
    expect(out).toMatch(
      /asks to confirm \(--yes off a terminal\); transaction: a failure rolls back its changes/,
    );
    expect(out).toMatch(
      /\n {2}device {2}string, required\n {6}the new partition, e\.g\. \/dev\/sdb1[^\n]*\n {6}pattern: \^\/dev\//,
    );
    expect(out).toMatch(/\n {2}fstype {2}string, default "ext4"\n[^\n]*\n {6}one of: ext4, xfs\n/);
    expect(out).toMatch(/\n {2}format {2}boolean, default false\n/);
    expect(out).toMatch(
      /Make target:\n {2}make migrate-repo HOST=\.\.\. DEVICE=\.\.\. \[ARGS='--check \.\.\.'\]\n {2}HOST -> --limit, DEVICE -> -e device=\.\.\., ARGS -> more options, split into words\n {2}HOST is required\n/,
    );
    expect(out).toMatch(/Example:\n {2}waptops run migrate-repo --limit HOST -e device=DEVICE --check\n/);
    // run's own options follow
    expect(out.indexOf('Usage: waptops run [options] <playbook>')).toBeGreaterThan(out.indexOf('Example:'));
    expect(out).toMatch(/--shard <k\/n\|auto>/);
  });

  it('help RUNBOOK: secrets say so, with their variable, and never appear in the example', async () => {
    const r = await runCli(['help', 'reset-admin-password']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /\n {2}new_password {2}string, required, secret \(never from -e\), env WAPT_NEW_PASSWORD\n/,
    );
    expect(r.stdout).toMatch(
      /\n {2}old_password {2}string, optional, secret \(never from -e\), env WAPT_OLD_PASSWORD\n/,
    );
    expect(r.stdout).toMatch(/\n {6}at least 10 character\(s\)\n/);
    expect(r.stdout).toMatch(
      /Example \(new_password from WAPT_NEW_PASSWORD, old_password from WAPT_OLD_PASSWORD\):\n {2}waptops run reset-admin-password --limit HOST --check\n/,
    );
    expect(r.stdout).toMatch(/make reset-password HOST=\.\.\./);
    expect(r.stdout).toMatch(/\nRun options: waptops run --help\n$/);
    expect(r.stdout).not.toMatch(/Usage:/);
  });

  it('help RUNBOOK: a one_of group gives one of its params in the example; HOSTS for many agents', async () => {
    const r = await runCli(['help', 'remove-stolen-cert']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}cert {2}string, one of the 'source' group is required\n/);
    expect(r.stdout).toMatch(
      /HOSTS or HOST -> --limit, CERT -> -e cert=\.\.\., KEY -> -e key=\.\.\., FINGERPRINT -> -e fingerprint=\.\.\./,
    );
    expect(r.stdout).toMatch(/\n {2}waptops run remove-stolen-cert --limit HOST -e cert=CERT --check\n/);
  });

  it('help alone lists the commands; help COMMAND is that command; an unknown topic is one line, exit 1', async () => {
    const all = await runCli(['help']);
    expect(all.code).toBe(0);
    for (const c of ['list', 'run', 'report', 'help', 'completion', 'doctor'])
      expect(all.stdout).toMatch(new RegExp(`\\n  ${c} `));
    expect(all.stdout).not.toMatch(/__complete/);
    const run = await runCli(['help', 'run']);
    expect(run.stdout).toMatch(/^Usage: waptops run \[options\] <playbook>/);
    const typo = await runCli(['help', 'migrat-repo']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      "waptops: help: 'migrat-repo' is neither a command nor a runbook\n  hint: did you mean 'migrate-repo'?\n",
    );
    const unknown = await runCli(['run', 'no-such-runbook', '--help']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^waptops: unknown playbook 'no-such-runbook'\n/);
  });

  it('every runbook has help with an example whose options waptops accepts', async () => {
    for (const name of runbooks) {
      const r = await runCli(['help', name]);
      expect(r.code, name).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`(^|\\n)${name}: `));
      const example = /\nExample[^\n]*:\n {2}waptops ([^\n]+)\n/.exec(r.stdout)?.[1] as string;
      // parsed as far as the inventory: every option and param name in it is one waptops takes
      const tried = await runCli([...example.split(' '), '-i', path.join(tmp, 'no-inventory.yml')]);
      expect(tried.stderr, example).toMatch(/^waptops: inventory file not found: /);
    }
    const doctor = await runCli(['help', 'doctor']);
    expect(doctor.stdout).toMatch(/^Usage: waptops doctor \[options\] <host>\n[\s\S]*\ndoctor: /);
  });
});

describe('the make targets help shows', () => {
  it('cover every runbook, and every runbook target of the Makefile', () => {
    expect(Object.keys(MAKE_TARGETS).sort()).toEqual([...runbooks].sort());
    const makefile = readFileSync('Makefile', 'utf8');
    const wrapped = [...makefile.matchAll(/\$\(call runbook,([a-z0-9-]+)/g)].map((m) => m[1]);
    for (const name of wrapped) expect(Object.keys(MAKE_TARGETS)).toContain(name);
  });

  it('map their variables as help says: make runs waptops with exactly those options', () => {
    const probe = path.join(tmp, 'probe.sh');
    writeFileSync(probe, '#!/bin/sh\nprintf "[%s]" "$@"\n', { mode: 0o755 });
    for (const [runbook, t] of Object.entries(MAKE_TARGETS)) {
      const vars = Object.keys(t.params).map((v) => `${v}=value-of-${v}`);
      const host = t.limit[0] as string;
      const out = execFileSync(
        'make',
        ['-s', '-o', 'build', t.target, `WAPTOPS=${probe}`, `${host}=h1`, ...vars],
        {
          encoding: 'utf8',
        },
      );
      const expected = t.command
        ? [t.command, 'h1']
        : [
            'run',
            runbook,
            '--limit',
            'h1',
            ...Object.entries(t.params).flatMap(([v, p]) => ['-e', `${p}=value-of-${v}`]),
          ];
      expect(out, t.target).toBe(expected.map((w) => `[${w}]`).join(''));
    }
  });

  it('refuse to run without HOST where help says it is required', () => {
    for (const t of Object.values(MAKE_TARGETS).filter((x) => x.hostRequired)) {
      expect(() =>
        execFileSync('make', ['-s', '-o', 'build', t.target, 'WAPTOPS=/bin/false'], {
          encoding: 'utf8',
          stdio: 'pipe',
        }),
      ).toThrow(/give HOST=name/);
    }
  });
});
