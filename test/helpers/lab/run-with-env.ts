// Runs a playbook on the lab like runOnLab, with extra CLI arguments (e.g. --secret-file) and environment (secret params).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INVENTORY_FILE } from '../../../scripts/lab/config.js';
import { type CliResult, runCli } from '../cli-process.js';
import type { RunReport } from './lab-run.js';

let runCount = 0;

/** `waptops run PLAYBOOK -i inventory/lab.yml --plain --json ...` with `args` and `env`; the report is undefined when none was written (usage errors). */
export async function runOnLabWith(
  tmp: string,
  playbook: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult & { report: RunReport | undefined }> {
  const report = path.join(tmp, `report-env-${++runCount}.json`);
  const all = ['run', playbook, '-i', INVENTORY_FILE, '--plain', '--json', report, ...args];
  const result = await runCli(all, { XDG_STATE_HOME: path.join(tmp, 'state'), ...env });
  let parsed: RunReport | undefined;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
  } catch {
    parsed = undefined;
  }
  return { ...result, report: parsed };
}

/** Per host, each step as [name, status] of a report (for whole-run comparisons). */
export function stepStatuses(report: RunReport | undefined): Record<string, string[][]> {
  return Object.fromEntries(
    Object.entries(report?.hosts ?? {}).map(([host, h]) => [host, h.steps.map((s) => [s.name, s.status])]),
  );
}
