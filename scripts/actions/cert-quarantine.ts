// The `cert_quarantine` action: moves the agent's trusted .crt files that match a stolen key aside.
import { Type } from '@sinclair/typebox';
import { sh } from '../transport/command.js';
import { type CertSearch, certSearch } from './lib/cert-search.js';
import { backupTimestamp } from './lib/write-file.js';
import { type Change, defineAction, type Plan } from './types.js';

const certQuarantineSchema = Type.Object(
  {
    dir: Type.String({ pattern: '^/', description: 'Folder of trusted certificates, e.g. /opt/wapt/ssl' }),
    quarantine_dir: Type.String({
      pattern: '^/',
      description: 'Matches move to <quarantine_dir>/<timestamp>/ (never deleted)',
    }),
    fingerprint: Type.Optional(
      Type.String({
        pattern: '^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$',
        description: 'SHA-256 of a certificate in DER form (hex, colons allowed)',
      }),
    ),
    cert: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'A certificate file ON THE CONTROLLER: every .crt with its public key matches',
      }),
    ),
    key: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'A private or public key file (PEM) ON THE CONTROLLER: every .crt with its public key matches',
      }),
    ),
  },
  { additionalProperties: false },
);

/** One .crt on the host with its DER fingerprint and the SHA-256 of its public key (SPKI DER). */
export interface HostCert {
  file: string;
  fingerprint: string;
  spki: string;
}

/** What the host's folder holds: readable certificates, files openssl could not read, or why none could be listed. */
export interface CertListing {
  problem?: 'missing-dir' | 'no-openssl';
  certs: HostCert[];
  unreadable: string[];
}

/** What `cert_quarantine` reads: what to look for (from the controller), the host's listing, a timestamp. */
export interface CertQuarantineState {
  search: CertSearch;
  listing: CertListing;
  timestamp: string;
}

// Read-only: one line per *.crt of folder $1 - `cert <der sha256> <spki sha256> <name>` or `unreadable - - <name>`.
const LISTING_SCRIPT = [
  'command -v openssl >/dev/null 2>&1 || { echo no-openssl; exit 0; }',
  'cd -- "$1" 2>/dev/null || { echo missing-dir; exit 0; }',
  'for f in *.crt; do',
  '  [ -f "$f" ] || continue',
  '  case $f in *"\n"*) continue;; esac',
  '  if pem=$(openssl x509 -in "$f" 2>/dev/null || openssl x509 -inform DER -in "$f" 2>/dev/null); then',
  '    der=$(printf "%s\\n" "$pem" | openssl x509 -outform DER | sha256sum | cut -d" " -f1)',
  '    spki=$(printf "%s\\n" "$pem" | openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum | cut -d" " -f1)',
  '    printf "cert %s %s %s\\n" "$der" "$spki" "$f"',
  '  else printf "unreadable - - %s\\n" "$f"; fi',
  'done',
].join('\n');

/** Parses the listing script's output. */
export function parseCertListing(stdout: string): CertListing {
  const listing: CertListing = { certs: [], unreadable: [] };
  for (const line of stdout.split('\n')) {
    if (line === 'missing-dir' || line === 'no-openssl') return { ...listing, problem: line };
    const m = /^(cert|unreadable) (\S+) (\S+) (.+)$/.exec(line);
    if (!m) continue;
    const [, kind, fingerprint, spki, file] = m as unknown as [string, string, string, string, string];
    if (kind === 'cert') listing.certs.push({ file, fingerprint, spki });
    else listing.unreadable.push(file);
  }
  return listing;
}

function short(hex: string): string {
  return `${hex.slice(0, 16)}…`;
}

/** Why a host certificate matches what is searched for, or undefined. */
function matchOf(c: HostCert, search: CertSearch & { error?: undefined }): string | undefined {
  if (search.fingerprints.includes(c.fingerprint)) return 'same fingerprint';
  if (search.spki.includes(c.spki)) return `same public key as ${search.from}`;
  return undefined;
}

/** Moves every .crt of a folder whose DER fingerprint or public key matches to a quarantine folder. */
export const certQuarantineAction = defineAction({
  name: 'cert_quarantine',
  description:
    'Move the .crt files of a folder whose SHA-256 fingerprint, or whose public key (from a cert or key file on the controller), matches into a quarantine folder',
  schema: certQuarantineSchema,
  async read(ctx, p): Promise<CertQuarantineState> {
    const search = await certSearch(p);
    const listed = await ctx.run(sh`sh -c ${LISTING_SCRIPT} sh ${p.dir}`);
    if (listed.code !== 0) throw new Error(`listing ${p.dir} failed: ${listed.stderr.trim()}`);
    return { search, listing: parseCertListing(listed.stdout), timestamp: backupTimestamp() };
  },
  plan(state, p): Plan {
    const { search, listing } = state;
    if (search.error !== undefined) return { changes: [], failed: search.error };
    if (listing.problem === 'no-openssl')
      return { changes: [], failed: 'openssl is not installed on the host' };
    if (listing.problem === 'missing-dir') {
      return { changes: [], reason: `${p.dir} does not exist: nothing to remove`, data: { removed: [] } };
    }
    const quarantine = `${p.quarantine_dir}/${state.timestamp}`;
    const removed = listing.certs.flatMap((c) => {
      const match = matchOf(c, search);
      return match ? [{ ...c, match }] : [];
    });
    const kept = listing.certs.filter((c) => !removed.some((r) => r.file === c.file)).map((c) => c.file);
    const unreadable = listing.unreadable.length
      ? `; not certificates, left alone: ${listing.unreadable.join(', ')}`
      : '';
    const data = { dir: p.dir, removed, kept, unreadable: listing.unreadable };
    if (removed.length === 0) {
      const checked = `${listing.certs.length} checked`;
      return { changes: [], reason: `no certificate in ${p.dir} matches (${checked}${unreadable})`, data };
    }
    const changes: Change[] = removed.map((r) => ({
      summary: `quarantine ${p.dir}/${r.file} (sha256 ${short(r.fingerprint)}, ${r.match}) in ${quarantine}/`,
      commands: [
        sh`mkdir -p -m 700 -- ${quarantine}`,
        sh`mv -- ${`${p.dir}/${r.file}`} ${`${quarantine}/${r.file}`}`,
      ],
      undo: [sh`mv -- ${`${quarantine}/${r.file}`} ${`${p.dir}/${r.file}`}`],
    }));
    return { changes, data: { ...data, quarantine } };
  },
});
