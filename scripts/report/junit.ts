// `--junit FILE`: a JUnit XML report, a testsuite per host and a testcase per step, written atomically.

import { redact } from '../core/redact.js';
import { writeFileAtomic } from './atomic.js';
import { createCollector, type HostRecord, type RunRecord, type StepRecord } from './collect.js';
import type { Renderer } from './types.js';

/** Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return redact(text)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Escapes element text (newlines kept as they are). */
function xmlText(text: string): string {
  return xmlEscape(text).replace(/&#10;/g, '\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

interface Case {
  name: string;
  ms: number;
  failure?: string;
  skipped?: string;
  out: string[];
}

function stepCase(run: RunRecord, s: StepRecord): Case {
  const name = `${s.rescue ? `rescue ${s.index + 1}` : s.index + 1}. ${s.name}`;
  const verb = run.check ? 'would change' : 'changed';
  const out = [...s.changes.map((c) => `${verb}: ${c}`), ...s.notes.map((n) => `note: ${n}`)];
  if (s.status === 'ok' && s.message) out.push(s.message);
  const c: Case = { name, ms: s.durationMs, out };
  // a failure its ignore_errors lets pass is no failing test: its reason and whole message go to system-out
  if (s.status === 'failed' && s.ignored) out.push(`ignored failure: ${s.reason ?? ''}`, s.message ?? '');
  else if (s.status === 'failed') c.failure = s.message ?? 'failed';
  if (s.status === 'skipped') c.skipped = s.message ?? 'skipped';
  return c;
}

function hostCases(run: RunRecord, h: HostRecord): Case[] {
  const r = h.recap;
  if (r?.unreachable)
    return [{ name: 'connect', ms: r.durationMs, failure: r.error ?? 'unreachable', out: [] }];
  const cases = h.steps.map((s) => stepCase(run, s));
  if (r?.error && !h.steps.some((s) => s.status === 'failed')) {
    cases.push({ name: 'host', ms: 0, failure: r.error, out: [] });
  }
  if (r?.rollback) {
    const { undone, kept, failed, reason } = r.rollback;
    const out = [
      ...undone.map((u) => `undone: ${u}`),
      ...kept.map((k) => `kept (no undo): ${k}`),
      ...failed.map((f) => `NOT undone: ${f}`),
    ];
    const rollback: Case = { name: 'rollback', ms: 0, out };
    if (failed.length > 0) rollback.failure = `rollback incomplete after: ${reason}`;
    cases.push(rollback);
  }
  if (!r)
    cases.push({ name: 'host', ms: 0, failure: run.interrupted ? 'interrupted' : 'did not finish', out: [] });
  return cases;
}

function caseXml(suite: string, c: Case): string[] {
  const open = `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(c.name)}" time="${seconds(c.ms)}"`;
  const body: string[] = [];
  if (c.failure !== undefined) body.push(`      <failure message="${xmlEscape(c.failure)}"/>`);
  if (c.skipped !== undefined) body.push(`      <skipped message="${xmlEscape(c.skipped)}"/>`);
  if (c.out.length > 0) body.push(`      <system-out>${xmlText(c.out.join('\n'))}</system-out>`);
  return body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, '    </testcase>'];
}

/** Renders a collected run as a JUnit XML document. */
export function junitXml(run: RunRecord): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const [host, h] of run.hosts) {
    const cases = hostCases(run, h);
    const f = cases.filter((c) => c.failure !== undefined).length;
    const s = cases.filter((c) => c.skipped !== undefined).length;
    tests += cases.length;
    failures += f;
    skipped += s;
    const suite = `${run.playbook}.${host}`;
    const time = seconds(h.recap?.durationMs ?? 0);
    suites.push(
      `  <testsuite name="${xmlEscape(host)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}" time="${time}">`,
      ...cases.flatMap((c) => caseXml(suite, c)),
      '  </testsuite>',
    );
  }
  const time = seconds(run.durationMs ?? 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(run.playbook)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** Collects events and writes the JUnit report to `file` on `done()` (nothing if the run never started). */
export function createJunitWriter(file: string): Renderer {
  const collector = createCollector();
  return {
    sink: collector.sink,
    async done() {
      const run = collector.record();
      if (run) await writeFileAtomic(file, junitXml(run));
    },
  };
}
