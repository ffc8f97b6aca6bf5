// The `repo_lint` probe: read-only checks of a WAPT repository's packages for what the guide warns about.
import { Type } from '@sinclair/typebox';
import { StepError } from '../core/errors.js';
import { hostScript } from '../transport/host-script.js';
import { defineAction, type Plan } from './types.js';

const repoLintSchema = Type.Object(
  {
    repo: Type.String({ pattern: '^/', description: 'Repository folder on the host (wapt_folder)' }),
    trusted_certs: Type.Optional(
      Type.Array(Type.String({ pattern: '^/' }), {
        description:
          'Folders whose *.crt / *.pem certificates the server trusts (default: <repo>/ssl and /opt/wapt/ssl)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** How a package's WAPT/control data looked. */
export type ControlVerdict = 'ok' | 'bom' | 'notutf8' | 'missing' | 'notzip';

/** One package as the remote scan saw it; signer = SHA-256 fingerprint of WAPT/certificate.crt, or null. */
export interface ScannedPackage {
  file: string;
  control: ControlVerdict;
  registerInAudit: boolean;
  signer: string | null;
}

/** What `repo_lint` read: whether the repository exists, its packages, and the trusted fingerprints. */
export interface RepoLintState {
  repoExists: boolean;
  packages: ScannedPackage[];
  trusted: { fingerprint: string; path: string }[];
  /** Checks the scan could not make (a missing tool), said in the step's message. */
  warnings: string[];
}

/** One problem of one package, with the guide's fix. */
export interface Finding {
  package: string;
  problem: string;
  fix: string;
}

const REPO_LINT = new URL('./repo-lint.sh', import.meta.url);
const CONTROL_VERDICTS = new Set<string>(['ok', 'bom', 'notutf8', 'missing', 'notzip']);

/** Parses the scan script's output into the state `plan` reads. */
export function parseScan(stdout: string): RepoLintState {
  const state: RepoLintState = { repoExists: true, packages: [], trusted: [], warnings: [] };
  for (const line of stdout.split('\n')) {
    const [kind, ...fields] = line.split('\t');
    if (kind === 'norepo') state.repoExists = false;
    else if (kind === 'warning' && fields.length === 1) state.warnings.push(fields[0] as string);
    else if (kind === 'trusted' && fields.length === 2)
      state.trusted.push({ fingerprint: fields[0] as string, path: fields[1] as string });
    else if (kind === 'package' && fields.length === 4 && CONTROL_VERDICTS.has(fields[1] as string))
      state.packages.push({
        file: fields[0] as string,
        control: fields[1] as ControlVerdict,
        registerInAudit: fields[2] === 'register',
        signer: fields[3] === '-' ? null : (fields[3] as string),
      });
  }
  return state;
}

const CONTROL_FINDINGS: Record<Exclude<ControlVerdict, 'ok'>, Omit<Finding, 'package'>> = {
  bom: {
    problem: 'WAPT/control starts with a UTF-8 BOM (EWaptBadControl)',
    fix: 'save WAPT/control as UTF-8 without BOM, rebuild and re-sign the package, then wapt-scanpackages',
  },
  notutf8: {
    problem: "WAPT/control is not UTF-8 (EWaptBadControl: 'utf8' codec can't decode byte)",
    fix: 'convert WAPT/control to UTF-8 without BOM, rebuild and re-sign the package, then wapt-scanpackages',
  },
  missing: {
    problem: 'the package has no WAPT/control',
    fix: 'rebuild the package (wapt-get build-package) or remove it from the repository',
  },
  notzip: {
    problem: 'the file is not a readable zip',
    fix: 'upload the package again (make upload-package) or remove it from the repository',
  },
};

/** Every finding of a scanned repository, in package order. */
export function findingsOf(state: RepoLintState): Finding[] {
  const trusted = new Set(state.trusted.map((t) => t.fingerprint));
  const findings: Finding[] = [];
  for (const p of state.packages) {
    if (p.control !== 'ok') findings.push({ package: p.file, ...CONTROL_FINDINGS[p.control] });
    if (p.registerInAudit)
      findings.push({
        package: p.file,
        problem: 'setup.py calls register() inside audit() (reloads the server database at every audit)',
        fix: 'remove register() from audit() in setup.py, rebuild and re-sign the package',
      });
    if (p.control === 'notzip' || p.control === 'missing') continue;
    if (p.signer === null)
      findings.push({
        package: p.file,
        problem: 'the package is not signed (no WAPT/certificate.crt)',
        fix: 'sign it with wapt-signpackages -c CERT -k KEY, then wapt-scanpackages',
      });
    else if (!trusted.has(p.signer))
      findings.push({
        package: p.file,
        problem: `signed by a certificate the server does not trust (sha256 ${p.signer.slice(0, 16)}…)`,
        fix: 're-sign it with a trusted key (make rotate-signing-key) or add its certificate to the trusted certificates',
      });
  }
  return findings;
}

/** Lists a repository's problems; the step fails when there is at least one (one line per finding). */
export const repoLintAction = defineAction({
  name: 'repo_lint',
  description:
    'Read-only checks of a WAPT repository: control not UTF-8 or with a BOM, register() in audit(), untrusted signer',
  schema: repoLintSchema,
  probe: true,
  async read(ctx, params): Promise<RepoLintState> {
    const dirs = params.trusted_certs ?? [`${params.repo.replace(/\/+$/, '')}/ssl`, '/opt/wapt/ssl'];
    const r = await ctx.run(hostScript(REPO_LINT, params.repo, ...dirs));
    if (r.code !== 0) throw new StepError(r.stderr.trim() || `the repository scan failed (exit ${r.code})`);
    return parseScan(r.stdout);
  },
  plan(state, params): Plan {
    if (!state.repoExists)
      return { changes: [], failed: `${params.repo} does not exist or is not a directory` };
    const findings = findingsOf(state);
    const data = { findings, packages: state.packages.length, trusted: state.trusted.length };
    const warnings = state.warnings.map((w) => `\nwarning: ${w}`).join('');
    if (findings.length === 0)
      return { changes: [], reason: `${state.packages.length} packages, no finding${warnings}`, data };
    const lines = findings.map((f) => `${f.package}: ${f.problem} -> ${f.fix}`);
    return { changes: [], failed: `${findings.length} finding(s):\n${lines.join('\n')}${warnings}`, data };
  },
});
