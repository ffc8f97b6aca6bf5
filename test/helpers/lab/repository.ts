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

/**
 * Shell that signs the named packages (paths on the host) in place with a certificate and key, as root, through
 * the lab stand-in's own module: a test fixture, not the tool (wapt-signpackages runs as wapt and renames a
 * file whose name is not canonical, as WAPT 1.8.2 does).
 */
export function signInPlace(cert: string, key: string, files: string): string {
  return `for f in ${files}; do PYTHONPATH=/opt/wapt python3 -c 'import sys, lab_waptpackage as wp; wp.sign_package(sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3], "sha256")' "$f" ${cert} ${key} || exit 1; done`;
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
