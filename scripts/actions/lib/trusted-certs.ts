// The agent's trusted certificate files as WAPT 1.8.2 finds them (../trusted-cert-files.sh): the folder from
// wapt-get.ini's public_certs_dir or its default, every *.crt and *.pem, every certificate of each file.
import type { X509Certificate } from 'node:crypto';
import type { Command } from '../../transport/command.js';
import { hostScript } from '../../transport/host-script.js';
import { type PemBlock, parseBlock, pemBlocks } from './pem-bundle.js';

const TRUSTED_CERT_FILES = new URL('../trusted-cert-files.sh', import.meta.url);

/** Where the agent's trusted certificates are: wapt-get.ini and the default when it names no public_certs_dir. */
export interface CertsDirSource {
  agent_ini: string;
  default_certs_dir: string;
}

/** What the listing read: the public_certs_dir it resolved, folders that do not exist, files with their bytes (hex). */
export interface TrustedListing {
  certsDir: string;
  certsDirFrom: 'ini' | 'default';
  missingDirs: string[];
  files: { path: string; hex: string }[];
}

/** One certificate of a trusted file: its place in the file and, when openssl can read it, the certificate. */
export interface FileCert {
  path: string;
  block: PemBlock;
  cert: X509Certificate | undefined;
}

/** The command listing the agent's trusted files, plus the `extraDirs` (e.g. a repository's ssl/) before them. */
export function trustedListingCommand(source: CertsDirSource, extraDirs: string[] = []): Command {
  return hostScript(TRUSTED_CERT_FILES, source.agent_ini, source.default_certs_dir, ...extraDirs);
}

/** Parses the listing; undefined when the script printed no certs_dir line (it did not run). */
export function parseTrustedListing(stdout: string): TrustedListing | undefined {
  let listing: TrustedListing | undefined;
  const missingDirs: string[] = [];
  const files: TrustedListing['files'] = [];
  for (const line of stdout.split('\n')) {
    const [kind, a, b] = line.split('\t');
    if (kind === 'certs_dir' && a !== undefined && (b === 'ini' || b === 'default'))
      listing = { certsDir: a, certsDirFrom: b, missingDirs, files };
    else if (kind === 'nodir' && a !== undefined) missingDirs.push(a);
    else if (kind === 'file' && a !== undefined && b !== undefined && !files.some((f) => f.path === a))
      files.push({ path: a, hex: b });
  }
  return listing;
}

/** Every certificate block of every listed file, in file order. */
export function certificatesOf(listing: TrustedListing): FileCert[] {
  return listing.files.flatMap((f) =>
    pemBlocks(Buffer.from(f.hex, 'hex')).map((block) => ({ path: f.path, block, cert: parseBlock(block) })),
  );
}

/** `public_certs_dir = X (wapt-get.ini)` or `X (default)`, for messages. */
export function certsDirLabel(listing: TrustedListing, ini: string): string {
  return `${listing.certsDir} (${listing.certsDirFrom === 'ini' ? `public_certs_dir of ${ini}` : 'default'})`;
}
