// Lab proof of a faithful repository copy: a fingerprint of every entry under a path, and what nginx serves.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInHost } from '../../../scripts/lab/faults.js';
import { shQuote } from '../../../scripts/transport/command.js';
import { repoOf } from './repository.js';

const FINGERPRINT_PROGRAM = readFileSync(fileURLToPath(new URL('./fingerprint.py', import.meta.url)), 'utf8');
const PROGRAM_END = 'WAPTOPS_FINGERPRINT_PROGRAM_END';

/** What to leave out of a fingerprint: paths relative to its root (e.g. `lost+found` on a new filesystem). */
export interface FingerprintOptions {
  exclude?: string[];
}

/**
 * One line per entry under `path` ("." is the path itself), sorted: relative path, type, owner:group, mode,
 * size, link count, first hard-linked path in the tree, mtime (seconds), sha256, symlink target, `getfacl -cp`
 * and `getfattr -d -m -` (security.selinux included when present). Directory sizes and link counts are left
 * out: they differ between filesystems for the same content.
 */
export function repoFingerprint(
  host: string,
  path: string,
  options: FingerprintOptions = {},
): Promise<string> {
  const args = [path, ...(options.exclude ?? [])].map(shQuote).join(' ');
  return runInHost(host, `python3 - ${args} <<'${PROGRAM_END}'\n${FINGERPRINT_PROGRAM}${PROGRAM_END}\n`);
}

/** An HTTP answer seen inside a host: status (0 when nothing answered) and sha256 of the body. */
export interface ServedFile {
  status: number;
  sha256: string;
}

/** The status and sha256 of `https://127.0.0.1/wapt/Packages` as nginx serves it, fetched inside the host (curl -k). */
export async function servedPackages(host: string): Promise<ServedFile> {
  const answer = await runInHost(
    host,
    `body=$(mktemp) && status=$(curl -ks --max-time 10 -o "$body" -w '%{http_code}' https://127.0.0.1/wapt/Packages); sum=$(sha256sum < "$body"); rm -f "$body"; echo "\${status:-000} \${sum%% *}"`,
  );
  const [status = '', sha256 = ''] = answer.trim().split(' ');
  return { status: Number(status), sha256 };
}

/** The sha256 of the repository's `Packages` file on the host's disk. */
export async function packagesFileSha(host: string): Promise<string> {
  return (await runInHost(host, `sha256sum < ${shQuote(`${repoOf(host)}/Packages`)}`)).split(' ')[0] ?? '';
}
