// Runs the built waptops CLI against the lab hosts and reads its JSON report back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { INVENTORY_FILE, LAB_FILES } from '../../../scripts/lab/config.js';
import { type CliResult, runCli } from '../cli-process.js';

/** The lab playbooks used only by these tests. */
export const LAB_PLAYBOOKS = path.resolve('test/fixtures/playbooks/lab');

/** One step of the JSON report (docs/report-json.md). */
export interface ReportStep {
  index: number;
  name: string;
  rescue: boolean;
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  changes: string[];
  message: string | null;
  notes: string[];
  data: Record<string, unknown> | null;
}

/** One host of the JSON report. */
export interface ReportHost {
  recap: {
    ok: number;
    changed: number;
    failed: number;
    skipped: number;
    unreachable: boolean;
    error?: string;
  } | null;
  steps: ReportStep[];
}

/** The JSON report of one run (docs/report-json.md). */
export interface RunReport {
  check: boolean;
  exitCode: number | null;
  hosts: Record<string, ReportHost>;
}

/** What one lab run produced: the CLI's exit code and output, and its JSON report. */
export interface LabRun extends CliResult {
  report: RunReport;
}

/** How to run a playbook on the lab. */
export interface LabRunOptions {
  limit?: string;
  params?: Record<string, string>;
  check?: boolean;
  inventory?: string;
  /** --yes, for confirm: true playbooks. */
  yes?: boolean;
  /** --rollback, for transaction playbooks. */
  rollback?: boolean;
}

/** A fresh private temporary directory for one test file's reports, audit log and inventories. */
export function labTempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'waptops-lab-test-'));
}

let runCount = 0;

/** Runs `waptops run PLAYBOOK` on the lab (inventory/lab.yml unless told) with a JSON report, and reads it. */
export async function runOnLab(tmp: string, playbook: string, options: LabRunOptions = {}): Promise<LabRun> {
  const report = path.join(tmp, `report-${++runCount}.json`);
  const args = ['run', playbook, '-i', options.inventory ?? INVENTORY_FILE, '--plain', '--json', report];
  if (options.limit) args.push('--limit', options.limit);
  if (options.check) args.push('--check');
  if (options.yes) args.push('--yes');
  if (options.rollback) args.push('--rollback');
  for (const [key, value] of Object.entries(options.params ?? {})) args.push('-e', `${key}=${value}`);
  // the lab's names (deb1.wapt.lab, ...) resolve as the agents' DNS would resolve them
  const result = await runCli(
    args,
    { XDG_STATE_HOME: path.join(tmp, 'state') },
    { hostsFile: LAB_FILES.names },
  );
  let parsed: RunReport;
  try {
    parsed = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
  } catch (error) {
    throw new Error(
      `no JSON report from waptops ${args.join(' ')} (exit ${result.code}): ${String(error)}\n${result.stdout}${result.stderr}`,
    );
  }
  return { ...result, report: parsed };
}

/** The path of a lab fixture playbook by its file name without `.yml`. */
export function labPlaybook(name: string): string {
  return path.join(LAB_PLAYBOOKS, `${name}.yml`);
}

/** Writes a copy of inventory/lab.yml whose hosts are logged into as `user`; returns its path. */
export function labInventoryAs(tmp: string, user: string): string {
  const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as { defaults: Record<string, unknown> };
  inventory.defaults.user = user;
  const file = path.join(tmp, `lab-as-${user}.yml`);
  writeFileSync(file, stringify(inventory));
  return file;
}

/** The step of a host's report with this name (the first one, or the rescue one when asked). */
export function stepNamed(run: LabRun, host: string, name: string, rescue = false): ReportStep {
  const step = run.report.hosts[host]?.steps.find((s) => s.name === name && s.rescue === rescue);
  if (!step) throw new Error(`no ${rescue ? 'rescue ' : ''}step '${name}' for ${host} in the report`);
  return step;
}

/** The spare block device lab-up gave this host (its `spare_device` inventory var). */
export function spareDevice(host: string): string {
  const inventory = parse(readFileSync(INVENTORY_FILE, 'utf8')) as {
    hosts: Record<string, { vars: { spare_device: string } }>;
  };
  const device = inventory.hosts[host]?.vars.spare_device;
  if (!device) throw new Error(`no spare_device for ${host} in ${INVENTORY_FILE}`);
  return device;
}
