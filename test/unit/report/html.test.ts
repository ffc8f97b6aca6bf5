// The HTML report of a real run (one host over the test sshd, one local host that fails), opened in Debian's
// headless Chromium with every non-file request refused: the page shows the JSON report's figures, no markup
// of the hosts' output is live, and a screenshot is taken.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSecret } from '../../../scripts/core/redact.js';
import { createHtmlWriter, escapeHtml } from '../../../scripts/report/html.js';
import { type CliResult, runCli } from '../../helpers/cli-process.js';
import { runEvents } from '../../helpers/report/events.js';
import { startTestSshd, type TestSshd } from '../../helpers/test-sshd.js';

const PLAYBOOK = 'test/fixtures/playbooks/e2e/html-report.yml';
/** Debian's package `chromium` (make deps installs it). */
const CHROMIUM = '/usr/bin/chromium';

interface JsonStep {
  index: number;
  status: string;
  ignored: boolean;
  startMs: number;
  durationMs: number;
}
interface JsonHost {
  recap: {
    ok: number;
    changed: number;
    failed: number;
    skipped: number;
    ignored?: number;
    durationMs: number;
  };
  startMs: number;
  steps: JsonStep[];
}
interface JsonDoc {
  durationMs: number;
  exitCode: number;
  runId: string;
  hosts: Record<string, JsonHost>;
}

let sshd: TestSshd;
let tmp: string;
let browser: Browser;
let run: CliResult;
let json: JsonDoc;
let html: string;

beforeAll(async () => {
  sshd = await startTestSshd({ privateRunLock: true });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-html-'));
  const inventory = path.join(tmp, 'hosts.yml');
  await writeFile(
    inventory,
    [
      'hosts:',
      `  box1: { address: ${sshd.address}, port: ${sshd.port}, user: ${sshd.user}, identity_file: ${sshd.identityFile}, known_hosts: ${sshd.knownHostsFile} }`,
      '  here: { connection: local, vars: { fail: true } }',
      '',
    ].join('\n'),
  );
  html = path.join(tmp, 'report.html');
  const jsonFile = path.join(tmp, 'report.json');
  run = await runCli(
    ['run', PLAYBOOK, '-i', inventory, '--plain', '--json', jsonFile, '--html', html],
    { XDG_STATE_HOME: path.join(tmp, 'state') },
    { privateRunLock: true },
  );
  json = JSON.parse(await readFile(jsonFile, 'utf8')) as JsonDoc;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await rm(tmp, { recursive: true, force: true });
  await sshd?.stop();
});

describe('html report in headless Chromium', () => {
  it('opens from a file with no other request, shows the JSON report figures, and screenshots', async () => {
    expect(run.code, run.stdout + run.stderr).toBe(2);
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const requested: string[] = [];
    const refused: string[] = [];
    context.on('request', (r) => requested.push(r.url()));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      refused.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const url = `file://${html}`;
    await page.goto(url);

    // the recap: per host its outcome and counts, as in the JSON report
    for (const [host, h] of Object.entries(json.hosts)) {
      const row = page.locator(`table.recap tr[data-host="${host}"]`);
      const cell = (field: string) => row.locator(`td[data-field="${field}"]`);
      for (const field of ['ok', 'changed', 'failed', 'skipped'] as const)
        expect(Number(await cell(field).textContent())).toBe(h.recap[field]);
      expect(Number(await cell('ignored').textContent())).toBe(h.recap.ignored ?? 0);
      expect(Number(await cell('durationMs').getAttribute('data-ms'))).toBe(h.recap.durationMs);
      expect(await cell('outcome').textContent()).toBe(h.recap.failed > 0 ? 'failed' : 'ok');

      // the timeline: one bar per step, at the step's start, as long as the step
      const lane = page.locator(`div.lane[data-host="${host}"]`);
      expect(Number(await lane.locator('[data-field="steps"]').textContent())).toBe(h.steps.length);
      const bars = await lane
        .locator('rect.bar')
        .evaluateAll((rects) =>
          rects.map((r) => [
            Number(r.getAttribute('data-start-ms')),
            Number(r.getAttribute('data-duration-ms')),
          ]),
        );
      expect(bars).toEqual(h.steps.map((s) => [s.startMs, s.durationMs]));
      expect(h.steps.every((s, i) => i === 0 || s.startMs >= (h.steps[i - 1] as JsonStep).startMs)).toBe(
        true,
      );
    }
    expect(json.hosts.box1?.steps[1]?.durationMs).toBeGreaterThanOrEqual(400);
    expect(await page.locator('header [data-field="exitCode"]').textContent()).toBe(String(json.exitCode));
    expect(Number(await page.locator('header [data-field="durationMs"]').getAttribute('data-ms'))).toBe(
      json.durationMs,
    );
    expect(await page.locator('[data-field="verdict"]').textContent()).toBe(
      'RESULT: 1 host ok, 0 changed, 1 failed, 0 unreachable — exit 2',
    );

    // each failure with its output: the real one, and the ignored ones marked so; host output stays text
    const failures = page.locator('section.failure');
    expect(await failures.count()).toBe(3);
    const real = page.locator('section.failure.failed');
    expect(await real.count()).toBe(1);
    expect(await real.locator('pre').textContent()).toContain('broken on purpose');
    const ignored = page.locator('section.failure.ignored[data-host="box1"] pre');
    expect(await ignored.textContent()).toContain(
      `<script>alert(1)</script> &amp; "q" 's \\x1b[31mred\\x1b[0m`,
    );
    expect(await page.locator('script, img, b').count()).toBe(0);

    // the findings with their guide section
    const finding = page.locator('table.findings tr.warning[data-host="box1"] td');
    expect(await finding.allTextContents()).toEqual([
      'box1',
      'warning',
      'the ignored check failed on box1 <img src=x>',
      '«Problèmes pour enregistrer une machine avec le serveur WAPT»',
      'look at the <b>ignored</b> check',
    ]);
    expect(await page.locator('table.findings tr.info').count()).toBe(2);

    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(shot.readUInt32BE(16)).toBe(1200);
    expect(shot.readUInt32BE(20)).toBeGreaterThan(900);
    expect(shot.length).toBeGreaterThan(20_000);
    await context.close();

    expect(refused).toEqual([]);
    expect(requested).toEqual([url]);
  });

  it('is one file with no external reference: no src, href or url() to fetch', () => {
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/<[^>]*\b(src|href)\s*=/i);
    expect(text).not.toMatch(/url\(/i);
    expect(text).not.toMatch(/@import/i);
    expect(text).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('never writes a registered secret', async () => {
    registerSecret('S3cr3t-html');
    const file = path.join(tmp, 'secret.html');
    const w = createHtmlWriter(file);
    const spec = {
      hosts: [
        { name: 'deb1', steps: [{ name: 'login', status: 'failed' as const, message: 'bad S3cr3t-html' }] },
      ],
      params: { password: 'S3cr3t-html' },
    };
    for (const e of runEvents(spec)) w.sink(e);
    await w.done();
    const text = await readFile(file, 'utf8');
    expect(text).toContain('bad ***');
    expect(text).not.toContain('S3cr3t-html');
  });

  it('escapes markup and shows control characters', () => {
    expect(escapeHtml(`<a href='x'>&"\x1b[2J`)).toBe('&#60;a href=&#39;x&#39;&#62;&#38;&#34;\\x1b[2J');
  });
});
