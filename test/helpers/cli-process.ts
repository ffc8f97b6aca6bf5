// Runs the built `waptops` CLI as a child process and captures its exit code and output.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The compiled CLI entry point (`make build` or `npm ci` makes it). */
export const CLI = path.resolve('dist/bin/waptops.js');

/** What one CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** argv that runs `script` with `sh -c` in a mount namespace of its own (root only, like these tests). */
function inPrivateMounts(script: string): string[] {
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh'];
}

// An empty /run/lock, so the run lock of local hosts belongs to this test alone and not to other runs on the
// machine.
const PRIVATE_RUN_LOCK = inPrivateMounts('mount -t tmpfs tmpfs /run/lock && exec "$@"');

// The same, and the directory given first bind-mounted on /var/lib/waptops, where the engine keeps a host's
// journals and detached jobs: a local-host test then reads and leaves state in its own directory only, so no
// other run on the machine (nor one killed earlier) shares it.
const PRIVATE_HOST_STATE = inPrivateMounts(
  'mount -t tmpfs tmpfs /run/lock && mkdir -p /var/lib/waptops && mount --bind "$1" /var/lib/waptops && shift && exec "$@"',
);

/** How a CLI run on this machine is kept apart: a private /run/lock, and a private /var/lib/waptops. */
export interface CliIsolation {
  privateRunLock?: boolean;
  /** A directory that stands for /var/lib/waptops (implies a private /run/lock). */
  hostStateDir?: string;
}

/** The argv that runs the CLI, isolated as asked. */
export function cliArgv(args: string[], isolation: CliIsolation = {}): string[] {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  const prefix = isolation.hostStateDir
    ? [...PRIVATE_HOST_STATE, isolation.hostStateDir]
    : isolation.privateRunLock
      ? PRIVATE_RUN_LOCK
      : [];
  return [...prefix, process.execPath, CLI, ...args];
}

/** Runs `node dist/bin/waptops.js ...args` with extra environment variables. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  opts: CliIsolation = {},
): Promise<CliResult> {
  const [file, ...argv] = cliArgv(args, opts);
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
