// Where waptops finds its own files, playbooks and the default inventory.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WaptopsError } from '../core/errors.js';
import { OS_VARS_FILE } from '../engine/load/os-vars-file.js';

/** The repository (package) root: two levels above scripts/cli, also from dist/ and from an installed package. */
export const projectRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

/** The version in package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
}

let playbooksOption: string | undefined;

/** Takes `--playbooks DIR` (it wins over WAPTOPS_PLAYBOOKS). */
export function usePlaybooksOption(dir: string | undefined): void {
  playbooksOption = dir;
}

function userPlaybooksDir(): string | undefined {
  const [dir, from] = playbooksOption
    ? [playbooksOption, '--playbooks']
    : process.env.WAPTOPS_PLAYBOOKS
      ? [process.env.WAPTOPS_PLAYBOOKS, 'WAPTOPS_PLAYBOOKS']
      : [];
  if (dir === undefined) return undefined;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new WaptopsError(`${from}: not a directory: ${dir}`);
  return path.resolve(dir);
}

/**
 * The directories playbook names are looked up in, first match wins: --playbooks DIR (else WAPTOPS_PLAYBOOKS),
 * then ./playbooks of the working directory, then the package's own playbooks. Each is listed once.
 */
export function playbookDirs(): string[] {
  const local = path.resolve('playbooks');
  const dirs = [
    userPlaybooksDir(),
    existsSync(local) ? local : undefined,
    path.join(projectRoot, 'playbooks'),
  ];
  const seen = new Set<string>();
  return dirs.filter((d): d is string => {
    if (d === undefined) return false;
    const real = realpathSync(d);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** A file as a person reads it: relative when under the working directory, else absolute. */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

/** Every playbook a name reaches, by name (the first directory holding it wins), sorted by name. */
export function playbookFiles(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of playbookDirs())
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.yml') && f !== OS_VARS_FILE))
      if (!found.has(f.slice(0, -4))) found.set(f.slice(0, -4), shownPath(path.join(dir, f)));
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)));
}

/** The runbook names the playbook directories hold, sorted, without reading the files. */
export function runbookNames(): string[] {
  return [...playbookFiles().keys()];
}

/** A playbook argument (a name in the playbook directories or a path) to a file path. */
export function playbookPath(arg: string): string {
  if (arg.includes('/') || arg.endsWith('.yml') || arg.endsWith('.yaml')) {
    if (!existsSync(arg)) throw new WaptopsError(`playbook file not found: ${arg}`);
    return arg;
  }
  const dir = playbookDirs().find((d) => existsSync(path.join(d, `${arg}.yml`)));
  if (!dir) throw new WaptopsError(`unknown playbook '${arg}'`, 'run `waptops list` to see the playbooks');
  return shownPath(path.join(dir, `${arg}.yml`));
}

/** waptops' folder in the user's configuration directory: $XDG_CONFIG_HOME/waptops (default ~/.config/waptops). */
export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'waptops');
}

/** The inventories looked for without -i, first found wins. */
export function defaultInventories(): string[] {
  return ['inventory/lab.yml', 'inventory/hosts.yml', shownPath(path.join(configDir(), 'hosts.yml'))];
}

/** The inventory to use: -i, else the first of defaultInventories() that exists. */
export function inventoryPath(arg: string | undefined): string {
  if (arg) {
    if (!existsSync(arg)) throw new WaptopsError(`inventory file not found: ${arg}`);
    return arg;
  }
  const candidates = defaultInventories();
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new WaptopsError(
      `no inventory: none of ${candidates.join(', ')} exists`,
      'pass -i FILE, or copy inventory/example.yml of the package to one of them',
    );
  }
  return found;
}
