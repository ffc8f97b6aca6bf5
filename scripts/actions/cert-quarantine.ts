// The `cert_quarantine` action: takes the certificates matching a stolen key out of the agent's trusted files -
// a file holding only such certificates moves to a quarantine folder, a bundle is rewritten without them.
import { Type } from '@sinclair/typebox';
import { sh } from '../transport/command.js';
import { type CertMatch, type FileVerdict, fileVerdict } from './lib/cert-matches.js';
import { type CertSearch, certSearch } from './lib/cert-search.js';
import { parseTrustedListing, type TrustedListing, trustedListingCommand } from './lib/trusted-certs.js';
import { atomicWriteCommand, backupTimestamp, restoreBackupCommand } from './lib/write-file.js';
import { type Change, defineAction, type Plan } from './types.js';

const certQuarantineSchema = Type.Object(
  {
    agent_ini: Type.String({
      pattern: '^/',
      description:
        "The agent's wapt-get.ini: its [global] public_certs_dir is the folder of trusted certificates",
    }),
    default_certs_dir: Type.String({
      pattern: '^/',
      description: 'The folder when wapt-get.ini names no public_certs_dir (WAPT: /opt/wapt/ssl)',
    }),
    quarantine_dir: Type.String({
      pattern: '^/',
      description:
        'Matching files, and the originals of rewritten bundles, go to <quarantine_dir>/<timestamp>/ (never deleted)',
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
        description:
          'A certificate file ON THE CONTROLLER: every trusted certificate with its public key matches',
      }),
    ),
    key: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'A private or public key file (PEM) ON THE CONTROLLER: every trusted certificate with its public key matches',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What `cert_quarantine` reads: what to look for (from the controller), the agent's trusted files, a timestamp. */
export interface CertQuarantineState {
  search: CertSearch;
  listing: TrustedListing;
  timestamp: string;
}

function short(hex: string): string {
  return `${hex.slice(0, 16)}…`;
}

function described(m: CertMatch): string {
  return `certificate #${m.index} (CN=${m.cn}, sha256 ${short(m.fingerprint)}, ${m.match})`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The change that takes a file's matching certificates out, keeping the original in `quarantine`. */
function changeOf(v: FileVerdict & { removed: CertMatch[] }, quarantine: string): Change {
  const kept = `${quarantine}/${baseName(v.path)}`;
  const mkdir = sh`mkdir -p -m 700 -- ${quarantine}`;
  if (v.action === 'quarantine')
    return {
      summary: `quarantine ${v.path} in ${quarantine}/: its only ${v.removed.map(described).join(', ')}`,
      commands: [mkdir, sh`mv -- ${v.path} ${kept}`],
      undo: [sh`mv -- ${kept} ${v.path}`],
    };
  if (v.action !== 'rewrite') throw new Error(`no change for ${v.path}`);
  const unchanged = sh`[ "$(sha256sum < "$f" | cut -d ' ' -f 1)" = ${v.sha256} ] || { echo "$f changed since it was read: run again" >&2; exit 1; }`;
  return {
    summary: `rewrite ${v.path} without ${v.removed.map(described).join(', ')}, keeping its ${v.certs.length - v.removed.length} other(s); the original goes to ${kept}`,
    commands: [
      mkdir,
      atomicWriteCommand({ path: v.path, content: v.content, backupPath: kept, verify: unchanged }),
    ],
    undo: [restoreBackupCommand(v.path, kept), sh`rm -f -- ${kept}`],
  };
}

/** Takes every trusted certificate whose DER fingerprint or public key matches out of the agent's trusted files. */
export const certQuarantineAction = defineAction({
  name: 'cert_quarantine',
  description:
    "Take the certificates whose SHA-256 fingerprint, or public key (from a cert or key file on the controller), matches out of the agent's trusted *.crt and *.pem files (public_certs_dir): quarantine a file, or rewrite a bundle without them",
  schema: certQuarantineSchema,
  async read(ctx, p): Promise<CertQuarantineState> {
    const search = await certSearch(p);
    const listed = await ctx.run(trustedListingCommand(p));
    const listing = parseTrustedListing(listed.stdout);
    if (listed.code !== 0 || !listing)
      throw new Error(`listing the trusted certificates failed: ${listed.stderr.trim()}`);
    return { search, listing, timestamp: backupTimestamp() };
  },
  plan(state, p): Plan {
    const { search, listing } = state;
    if (search.error !== undefined) return { changes: [], failed: search.error };
    const dir = listing.certsDir;
    if (listing.missingDirs.includes(dir))
      return { changes: [], reason: `${dir} does not exist: nothing to remove`, data: { dir, removed: [] } };
    const quarantine = `${p.quarantine_dir}/${state.timestamp}`;
    const verdicts = listing.files.map((f) => fileVerdict(f.path, Buffer.from(f.hex, 'hex'), search));
    const acting = verdicts.flatMap((v) => (v.action === 'quarantine' || v.action === 'rewrite' ? [v] : []));
    const removed = acting.flatMap((v) =>
      v.removed.map((m) => ({ file: baseName(v.path), path: v.path, action: v.action, ...m })),
    );
    const unreadable = verdicts.filter((v) => v.action === 'unreadable').map((v) => baseName(v.path));
    const kept = verdicts
      .filter((v) => v.action !== 'unreadable' && v.action !== 'quarantine')
      .map((v) => baseName(v.path));
    const data = { dir, dir_from: listing.certsDirFrom, removed, kept, unreadable };
    if (acting.length === 0) {
      const checked = verdicts.reduce((n, v) => n + ('certs' in v ? v.certs.length : 0), 0);
      const left = unreadable.length ? `; not certificates, left alone: ${unreadable.join(', ')}` : '';
      return { changes: [], reason: `no certificate in ${dir} matches (${checked} checked${left})`, data };
    }
    return { changes: acting.map((v) => changeOf(v, quarantine)), data: { ...data, quarantine } };
  },
});
