// Runs the built `waptops` CLI as a child process and captures its exit code and output.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The compiled CLI entry point (`make build` or `npm ci` makes it). */
export const CLI = path.resolve('dist/scripts/cli/main.js');

/** What one CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs a program in a mount namespace of its own with an empty /run/lock, so the run lock of local
// hosts belongs to this test alone and not to other runs on the machine (needs root, like these tests).
const PRIVATE_RUN_LOCK = [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  'sh',
  '-c',
  'mount -t tmpfs tmpfs /run/lock && exec "$@"',
  'sh',
];

/** The argv that runs the CLI; with `privateRunLock`, inside a private /run/lock. */
export function cliArgv(args: string[], privateRunLock = false): string[] {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  return [...(privateRunLock ? PRIVATE_RUN_LOCK : []), process.execPath, CLI, ...args];
}

/** Runs `node dist/scripts/cli/main.js ...args` with extra environment variables. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  opts: { privateRunLock?: boolean } = {},
): Promise<CliResult> {
  const [file, ...argv] = cliArgv(args, opts.privateRunLock);
  return new Promise((resolve) => {
    execFile(
      file as string,
      argv,
      { env: { ...process.env, CI: 'true', ...env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}
