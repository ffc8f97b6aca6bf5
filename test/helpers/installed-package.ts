// `npm pack` of this repository installed into a temporary prefix, as a user installs the tool, and the
// installed `waptops` run from a directory of the test's choosing on the Node running the tests.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type CliIsolation, type CliResult, isolationPrefix } from './cli-process.js';

/** An installed package: its prefix and the `waptops` its bin/ holds. */
export interface InstalledPackage {
  prefix: string;
  bin: string;
}

// The Node running the tests first on PATH: npm, node-gyp and the `#!/usr/bin/env node` of the installed bin
// then all use it.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` };

/** Packs the built repository (`make build` first; no script runs) and installs the tarball with `npm install -g --prefix`. */
export function installPackage(tmp: string): InstalledPackage {
  const packDir = path.join(tmp, 'pack');
  mkdirSync(packDir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
    encoding: 'utf8',
    env,
  });
  const tarball = path.join(packDir, (JSON.parse(out) as { filename: string }[])[0]?.filename ?? '');
  const prefix = path.join(tmp, 'prefix');
  execFileSync(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
    { cwd: tmp, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { prefix, bin: path.join(prefix, 'bin', 'waptops') };
}

/** Runs the installed `waptops` in `cwd` with extra environment variables (CI=true: plain output), isolated as asked. */
export function runInstalled(
  pkg: InstalledPackage,
  cwd: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  isolation: CliIsolation = {},
): Promise<CliResult> {
  const [file, ...argv] = [...isolationPrefix(isolation), pkg.bin, ...args];
  return new Promise((resolve) => {
    execFile(
      file as string,
      argv,
      { cwd, env: { ...env, CI: 'true', ...extraEnv }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}
