// The `repo_lint` probe: read-only checks of a WAPT repository's packages for what the guide warns about,
// judged as WAPT 1.8.2 would (its control parser, its trusted certificates and its chain check).
import { type Static, Type } from '@sinclair/typebox';
import { StepError } from '../core/errors.js';
import { hostScript } from '../transport/host-script.js';
import { controlFindings, type Finding, type PackageScan, signerFindings } from './lib/repo-findings.js';
import {
  certificatesOf,
  certsDirLabel,
  parseTrustedListing,
  type TrustedListing,
  trustedListingCommand,
} from './lib/trusted-certs.js';
import { defineAction, type Plan } from './types.js';

export type { Finding } from './lib/repo-findings.js';

const repoLintSchema = Type.Object(
  {
    repo: Type.String({ pattern: '^/', description: 'Repository folder on the host (wapt_folder)' }),
    trusted_certs: Type.Optional(
      Type.Array(Type.String({ pattern: '^/' }), {
        description:
          "Folders of trusted *.crt / *.pem besides the agent's public_certs_dir (default: <repo>/ssl)",
      }),
    ),
    agent_ini: Type.String({
      pattern: '^/',
      description: "The agent's wapt-get.ini: its [global] public_certs_dir is a trusted folder",
    }),
    default_certs_dir: Type.String({
      pattern: '^/',
      description: 'The trusted folder when wapt-get.ini names no public_certs_dir (WAPT: /opt/wapt/ssl)',
    }),
  },
  { additionalProperties: false },
);

/** What `repo_lint` read: the packages, their certificate chains (hex by key), the trusted files, when. */
export interface RepoLintState {
  repoExists: boolean;
  packages: PackageScan[];
  chains: Record<string, string>;
  trusted: TrustedListing;
  /** ISO time of the read: certificates are dated against it. */
  now: string;
}

const REPO_LINT = new URL('./repo-lint.sh', import.meta.url);
const ZIP_VERDICTS = new Set<string>(['ok', 'nocontrol', 'notzip']);
const AUDIT_CALLS = new Set<string>(['ok', 'register', 'register_computer']);

/** Parses the package scan's output (packages and chains) into the parts of the state it gives. */
export function parseScan(stdout: string): Pick<RepoLintState, 'repoExists' | 'packages' | 'chains'> {
  const scan: Pick<RepoLintState, 'repoExists' | 'packages' | 'chains'> = {
    repoExists: true,
    packages: [],
    chains: {},
  };
  for (const line of stdout.split('\n')) {
    const [kind, ...f] = line.split('\t');
    if (kind === 'norepo') scan.repoExists = false;
    else if (kind === 'chain' && f.length === 2) scan.chains[f[0] as string] = f[1] as string;
    else if (
      kind === 'package' &&
      f.length === 5 &&
      ZIP_VERDICTS.has(f[1] as string) &&
      AUDIT_CALLS.has(f[2] as string)
    )
      scan.packages.push({
        file: f[0] as string,
        zip: f[1] as PackageScan['zip'],
        audit: f[2] as PackageScan['audit'],
        control: f[3] === '-' ? null : (f[3] as string),
        chain: f[4] === '-' ? null : (f[4] as string),
      });
  }
  return scan;
}

/** Every finding of a scanned repository, in package order; `places` names the trusted folders in fixes. */
export function findingsOf(state: RepoLintState, places: string): Finding[] {
  const trusted = certificatesOf(state.trusted).flatMap((c) => (c.cert ? [c.cert] : []));
  const now = new Date(state.now);
  return state.packages.flatMap((p) => [
    ...controlFindings(p),
    ...(p.zip === 'ok' ? signerFindings(p, state.chains, trusted, now, places) : []),
  ]);
}

/** Certificates of the trusted files that could not be read: said in the step's message. */
function unreadableTrusted(state: RepoLintState): string[] {
  return certificatesOf(state.trusted)
    .filter((c) => !c.cert)
    .map((c) => `${c.path}: certificate #${c.block.index} cannot be read, it is left out`);
}

type RepoLintParams = Static<typeof repoLintSchema>;

function extraDirs(p: RepoLintParams): string[] {
  return p.trusted_certs ?? [`${p.repo.replace(/\/+$/, '')}/ssl`];
}

/** Lists a repository's problems; the step fails when there is at least one (one line per finding). */
export const repoLintAction = defineAction({
  name: 'repo_lint',
  description:
    'Read-only checks of a WAPT repository as WAPT 1.8.2 reads it: control data, register calls in audit(), signers its trusted certificates do not vouch for',
  schema: repoLintSchema,
  probe: true,
  async read(ctx, params): Promise<RepoLintState> {
    const listed = await ctx.run(trustedListingCommand(params, extraDirs(params)));
    const trusted = parseTrustedListing(listed.stdout);
    if (listed.code !== 0 || !trusted)
      throw new StepError(
        listed.stderr.trim() || `listing the trusted certificates failed (exit ${listed.code})`,
      );
    const r = await ctx.run(hostScript(REPO_LINT, params.repo));
    if (r.code !== 0) throw new StepError(r.stderr.trim() || `the repository scan failed (exit ${r.code})`);
    return { ...parseScan(r.stdout), trusted, now: new Date().toISOString() };
  },
  plan(state, params): Plan {
    if (!state.repoExists)
      return { changes: [], failed: `${params.repo} does not exist or is not a directory` };
    const certsDir = certsDirLabel(state.trusted, params.agent_ini);
    const places = [...extraDirs(params), state.trusted.certsDir].join(' or ');
    const findings = findingsOf(state, places);
    const trusted = certificatesOf(state.trusted).filter((c) => c.cert).length;
    const data = { findings, packages: state.packages.length, trusted, certs_dir: state.trusted.certsDir };
    const notes = [`trusted: ${trusted} certificate(s) from ${extraDirs(params).join(', ')} and ${certsDir}`];
    const warnings = [...notes, ...unreadableTrusted(state)].map((w) => `\n${w}`).join('');
    if (findings.length === 0)
      return { changes: [], reason: `${state.packages.length} packages, no finding${warnings}`, data };
    const lines = findings.map((f) => `${f.package}: ${f.problem} -> ${f.fix}`);
    return { changes: [], failed: `${findings.length} finding(s):\n${lines.join('\n')}${warnings}`, data };
  },
});
