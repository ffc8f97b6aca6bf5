// Lab helpers for the WAPT repository runbooks: where the repository is, and a byte-level snapshot of it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { INVENTORY_FILE } from '../../../scripts/lab/config.js';
import { runInHost } from '../../../scripts/lab/faults.js';

/** The repository folder (wapt_folder) of a lab host. */
export function repoOf(host: string): string {
  return host === 'rhel1' ? '/var/www/html/wapt' : '/var/www/wapt';
}

/** The path migrate-repo moves on a lab host: /var/www (Debian) or /var/www/html (RHEL family). */
export function repoSourceOf(host: string): string {
  return host === 'rhel1' ? '/var/www/html' : '/var/www';
}

/** Names, owners, modes, sizes, mtimes and SHA-256 of every file in the repository (hidden ones too), and the Packages listing. */
export function repoSnapshot(host: string): Promise<string> {
  const repo = repoOf(host);
  return runInHost(
    host,
    `cd ${repo} && ls -lnA --time-style=full-iso | tail -n +2 && sha256sum .[!.]* * 2>/dev/null; unzip -p Packages Packages`,
  );
}

/** Removes a package (and any partial upload of it) from the repository and rebuilds Packages (the wrapper runs it as user wapt). */
export async function removePackage(host: string, file: string): Promise<void> {
  const repo = repoOf(host);
  await runInHost(
    host,
    `rm -f ${repo}/${file} ${repo}/.waptops-upload.*.${file}.part && wapt-scanpackages ${repo} >/dev/null 2>&1`,
  );
}

/** Writes a controller file's bytes to a path on a lab host (as root, over the lab's SSH key), making its folder (700). */
export function putOnHost(host: string, local: string, remote: string): void {
  const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as {
    defaults: { identity_file: string; known_hosts: string };
    hosts: Record<string, { address: string }>;
  };
  const address = inventory.hosts[host]?.address;
  if (!address) throw new Error(`no address for ${host} in ${INVENTORY_FILE}`);
  const { identity_file, known_hosts } = inventory.defaults;
  execFileSync(
    'ssh',
    [
      '-i',
      identity_file,
      '-o',
      `UserKnownHostsFile=${known_hosts}`,
      '-o',
      'BatchMode=yes',
      `root@${address}`,
      `mkdir -p -m 700 "$(dirname '${remote}')" && cat > '${remote}'`,
    ],
    { input: readFileSync(local) },
  );
}
