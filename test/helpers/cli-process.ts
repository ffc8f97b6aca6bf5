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

/** How a CLI run on this machine is kept apart: a private /run/lock, a private /var/lib/waptops, its own /etc/hosts. */
export interface CliIsolation {
  /** An empty /run/lock, so the run lock of local hosts belongs to this test alone and not to other runs on the machine. */
  privateRunLock?: boolean;
  /**
   * A directory bind-mounted on /var/lib/waptops, where the engine keeps a host's journals and detached jobs: a
   * local-host test then reads and leaves state in its own directory only (implies a private /run/lock).
   */
  hostStateDir?: string;
  /** A hosts(5) file bind-mounted on /etc/hosts for this run only (the lab's names); the machine's file is untouched. */
  hostsFile?: string;
}

/** The argv that runs the CLI, isolated as asked. */
export function cliArgv(args: string[], isolation: CliIsolation = {}): string[] {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  return [...isolationPrefix(isolation), process.execPath, CLI, ...args];
}

/** The `unshare ... sh -c SCRIPT sh DIRS...` words that set up `isolation`, then exec the rest; none when none asked. */
export function isolationPrefix(isolation: CliIsolation): string[] {
  const steps: string[] = [];
  const paths: string[] = [];
  if (isolation.hostsFile) {
    steps.push('mount --bind "$1" /etc/hosts && shift');
    paths.push(isolation.hostsFile);
  }
  if (isolation.privateRunLock || isolation.hostStateDir) steps.push('mount -t tmpfs tmpfs /run/lock');
  if (isolation.hostStateDir) {
    steps.push('mkdir -p /var/lib/waptops && mount --bind "$1" /var/lib/waptops && shift');
    paths.push(isolation.hostStateDir);
  }
  if (steps.length === 0) return [];
  return [...inPrivateMounts(`${steps.join(' && ')} && exec "$@"`), ...paths];
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
