// Reads the `verdict` step of a lab run's JSON report (check-443, doctor).
import { expect } from 'vitest';
import { type LabRun, stepNamed } from './lab-run.js';

/** One finding of a verdict step as the JSON report holds it. */
export interface ReportFinding {
  severity: 'error' | 'warning' | 'info';
  message: string;
  guide?: string;
  remedy?: string;
}

/** The verdict step of a host: its status, overall level and the findings that held. */
export function verdictOf(run: LabRun, host: string, stepName = 'verdict') {
  const step = stepNamed(run, host, stepName);
  const data = step.data as { verdict: string; findings: ReportFinding[] } | null;
  expect(data, `${host}: verdict step without data: ${step.message}`).not.toBeNull();
  return {
    status: step.status,
    message: step.message ?? '',
    level: data?.verdict,
    findings: data?.findings ?? [],
    errors: (data?.findings ?? []).filter((f) => f.severity === 'error'),
  };
}
