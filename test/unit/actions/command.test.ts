// command and shell: their guards read this machine, and their planned commands run here with real sh.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandAction } from '../../../scripts/actions/command.js';
import { shellAction } from '../../../scripts/actions/shell.js';
import { Secret } from '../../../scripts/core/secret.js';
import { displayCommand } from '../../../scripts/transport/command.js';
import { recordingContext, runLocal } from '../../helpers/local-context.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type CommandParams = Parameters<typeof commandAction.plan>[1];

/** Reads, plans and runs the single planned command; undefined when the plan is a no-op. */
async function runCommand(params: CommandParams) {
  const state = await commandAction.read(recordingContext(), params);
  const plan = commandAction.plan(state, params);
  const cmd = plan.changes[0]?.commands[0];
  return { plan, shown: cmd && displayCommand(cmd), result: cmd && (await runLocal(cmd)) };
}

describe('command', () => {
  it('passes every argument literally: quotes, spaces and $(...) reach the program unchanged', async () => {
    const name = join(dir, "it's a $(touch pwned) file");
    const { result } = await runCommand({ argv: ['touch', name] });
    expect(result?.code).toBe(0);
    expect(existsSync(name)).toBe(true);
    expect(readdirSync(dir)).not.toContain('pwned');
    expect(existsSync('pwned')).toBe(false);
  });

  it('runs in chdir, and `unless` runs there too', async () => {
    writeFileSync(join(dir, 'marker'), '');
    const skipped = await runCommand({ argv: ['pwd'], chdir: dir, unless: ['test', '-f', 'marker'] });
    expect(skipped.plan.reason).toBe('`unless` command succeeded');
    const { result } = await runCommand({ argv: ['pwd'], chdir: dir, unless: ['test', '-f', 'absent'] });
    expect(result?.stdout.trim()).toBe(dir);
  });

  it('skips when `creates` exists and runs when it does not', async () => {
    const created = join(dir, 'created');
    const params = { argv: ['touch', created], creates: created };
    expect((await runCommand(params)).result?.code).toBe(0);
    expect((await runCommand(params)).plan).toMatchObject({ changes: [], reason: `\`${created}\` exists` });
  });

  it('expect_codes accepts the listed statuses and fails with the real one otherwise', async () => {
    const status = async (code: number, expect_codes: number[]) =>
      (await runCommand({ argv: ['sh', '-c', `exit ${code}`], expect_codes })).result;
    expect((await status(1, [0, 1]))?.code).toBe(0);
    const other = await status(2, [0, 1]);
    expect(other?.code).toBe(2);
    expect(other?.stderr).toContain('exit status 2 is not in expect_codes (0|1)');
    expect((await status(0, [1]))?.code).toBe(1);
  });

  it('sends a secret stdin to the program while showing ***', async () => {
    const { shown, result } = await runCommand({ argv: ['cat'], stdin: new Secret('pa$$ word') as never });
    expect(shown).toBe('cat <<< ***');
    expect(result?.stdout).toBe('pa$$ word');
  });
});

describe('shell', () => {
  it('runs a script with sh -c (pipes work) unless the shell check succeeds', async () => {
    const params = { script: 'printf "a\\nb\\n" | wc -l' };
    const plan = shellAction.plan(await shellAction.read(recordingContext(), params), params);
    const result = await runLocal(plan.changes[0]?.commands[0] as never);
    expect(result.stdout.trim()).toBe('2');
    const guarded = { ...params, unless: `test -d ${dir} && true` };
    expect(shellAction.plan(await shellAction.read(recordingContext(), guarded), guarded).reason).toBe(
      '`unless` command succeeded',
    );
  });
});
