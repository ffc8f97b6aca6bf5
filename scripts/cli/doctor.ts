// `waptops doctor HOST`: runs playbooks/doctor.yml read-only (--check) and prints each finding with its guide section and fix.

import type { Finding as LintFinding } from '../actions/repo-lint.js';
import type { HeldFinding } from '../actions/verdict.js';
import { WaptopsError } from '../core/errors.js';
import { loadPlaybook } from '../engine/load/load-playbook.js';
import { resolveParams } from '../engine/load/params.js';
import { selectHosts } from '../engine/load/select-hosts.js';
import { type InventoryCliOptions, openInventory } from './inventory.js';
import { runFromCli } from './orchestrate.js';
import { playbookPath } from './paths.js';

/** Options of `waptops doctor` as commander parses them. */
export interface DoctorCliOptions extends InventoryCliOptions {
  json?: string;
  html?: string;
  plain?: boolean;
  verbose?: boolean;
}

/** What the doctor learnt about one host: the verdict's findings and the lint step's per-package findings. */
interface HostFindings {
  findings?: HeldFinding[];
  lint: LintFinding[];
}

const labels = { error: 'ERROR  ', warning: 'WARNING', info: 'info   ' } as const;

/** The findings of one host as the doctor prints them: one block per finding, lint problems per package. */
export function formatFindings(host: string, found: HostFindings, hostError?: string): string[] {
  if (!found.findings) return [`${host}: no verdict (${hostError ?? 'the checks did not finish'})`];
  const count = (s: string) => found.findings?.filter((f) => f.severity === s).length ?? 0;
  const lines = [`${host}: ${count('error')} error(s), ${count('warning')} warning(s)`];
  for (const f of found.findings) {
    lines.push(`  ${labels[f.severity]} ${f.message}`);
    if (f.guide) lines.push(`          guide: «${f.guide}»`);
    if (f.remedy) lines.push(`          fix:   ${f.remedy}`);
  }
  for (const l of found.lint) lines.push(`  lint     ${l.package}: ${l.problem} -> ${l.fix}`);
  if (found.findings.length === 0) lines.push('  nothing wrong found');
  return lines;
}

/** Runs the doctor playbook on the hosts HOST names, prints the findings, exits 0 (nothing wrong), 2 (an error) or 3 (unreachable). */
export async function doctorCommand(host: string, opts: DoctorCliOptions): Promise<void> {
  const playbook = loadPlaybook(playbookPath('doctor'));
  const inventory = openInventory(opts);
  const hosts = selectHosts(inventory, host);
  if (hosts.length === 0) throw new WaptopsError(`no host matches '${host}'`);
  const params = await resolveParams(playbook, { extra: {}, secretFiles: {}, env: process.env });
  const verdictIndex = playbook.steps.findIndex((s) => s.action === 'verdict');
  const lintIndex = playbook.steps.findIndex((s) => s.action === 'repo_lint');
  const found = new Map<string, HostFindings>(hosts.map((h) => [h, { lint: [] }]));
  const summary = await runFromCli({
    playbook,
    inventory,
    hosts,
    params,
    check: true,
    forks: 50,
    reports: opts,
    onEvent: (e) => {
      if (e.kind !== 'step:end' || e.data === undefined) return;
      const entry = found.get(e.host);
      if (!entry) return;
      if (e.index === verdictIndex) entry.findings = e.data.findings as HeldFinding[];
      if (e.index === lintIndex) entry.lint = (e.data.findings as LintFinding[] | undefined) ?? [];
    },
  });
  const out = ['', 'DOCTOR'];
  for (const recap of summary.recaps) {
    out.push(...formatFindings(recap.host, found.get(recap.host) ?? { lint: [] }, recap.error));
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.exit(summary.exitCode);
}
