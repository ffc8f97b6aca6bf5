// Commands on screen: only with --verbose or --debug; otherwise a failure says why in words, without its command.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-verbose-'));
  await writeFile(
    path.join(tmp, 'hosts.yml'),
    'hosts:\n  broken: { connection: local, vars: { fail: true } }\n',
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs partial.yml on the failing local host; `--debug` goes before the subcommand, other flags after. */
function run(flag?: '--verbose' | '--debug') {
  const global = flag === '--debug' ? [flag] : [];
  const local = flag === '--verbose' ? [flag] : [];
  const args = [
    'run',
    'test/fixtures/playbooks/e2e/partial.yml',
    '-i',
    path.join(tmp, 'hosts.yml'),
    '--plain',
  ];
  return runCli(
    [...global, ...args, ...local],
    { XDG_STATE_HOME: path.join(tmp, 'state') },
    { privateRunLock: true },
  );
}

describe('commands on screen', () => {
  it('without --verbose: no command line, the failure in words (last stderr line, exit code)', async () => {
    const r = await run();
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).not.toContain('sh -c');
    expect(r.stdout).toMatch(
      /broken \[1\/2\] the host's own check \.\.\. failed \(\d+ms\): broken on purpose \(exit 5\)\n/,
    );
    expect(r.stdout).toContain("  broken: the host's own check: broken on purpose (exit 5)\n");
  });

  for (const flag of ['--verbose', '--debug'] as const) {
    it(`with ${flag}: each command as it runs, and the failure with its command`, async () => {
      const r = await run(flag);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout).toMatch(/broken \[1\/2\] \$ sh -c /);
      expect(r.stdout).toMatch(
        /broken \[1\/2\] the host's own check \.\.\. failed \(\d+ms\): broken: `sh -c .*` exited 5\n/,
      );
    });
  }
});
