import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../../scripts/core/redact.js';
import { createJunitWriter, xmlEscape } from '../../../scripts/report/junit.js';
import { type RunSpec, runEvents } from '../../helpers/report/events.js';
import { ignoredFailuresRun, sampleRun } from '../../helpers/report/sample.js';

async function write(spec: RunSpec): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'waptops-junit-')), 'junit.xml');
  const w = createJunitWriter(file);
  for (const e of runEvents(spec)) w.sink(e);
  await w.done();
  return readFile(file, 'utf8');
}

/** Parses the XML with a real parser (Debian's python3, expat) and returns the suites as plain data. */
function parse(xml: string): unknown {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def case(c):
    out = {"name": c.get("name"), "classname": c.get("classname")}
    for kind in ("failure", "skipped"):
        e = c.find(kind)
        if e is not None: out[kind] = e.get("message")
    o = c.find("system-out")
    if o is not None: out["out"] = o.text
    return out
print(json.dumps({"name": root.get("name"), "tests": root.get("tests"), "failures": root.get("failures"),
  "skipped": root.get("skipped"), "suites": [{"name": s.get("name"), "tests": s.get("tests"),
  "failures": s.get("failures"), "skipped": s.get("skipped"), "cases": [case(c) for c in s.findall("testcase")]}
  for s in root.findall("testsuite")]}))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: xml, encoding: 'utf8' }));
}

describe('junit report', () => {
  it('writes a suite per host and a case per step; an unreachable host is one failing case', async () => {
    expect(parse(await write(sampleRun))).toEqual({
      name: 'restart-nginx',
      tests: '5',
      failures: '1',
      skipped: '1',
      suites: [
        {
          name: 'deb1',
          tests: '3',
          failures: '0',
          skipped: '1',
          cases: [
            { name: '1. nginx configuration is valid', classname: 'restart-nginx.deb1', out: 'checked' },
            {
              name: '2. nginx restarted',
              classname: 'restart-nginx.deb1',
              out: 'changed: restart nginx\nnote: nginx was running for 3 days',
            },
            {
              name: '3. port 443 answers',
              classname: 'restart-nginx.deb1',
              skipped: 'when: params.timeout > 60 is false',
            },
          ],
        },
        {
          name: 'cent1',
          tests: '1',
          failures: '0',
          skipped: '0',
          cases: [{ name: '1. nginx configuration is valid', classname: 'restart-nginx.cent1' }],
        },
        {
          name: 'srv9',
          tests: '1',
          failures: '1',
          skipped: '0',
          cases: [
            {
              name: 'connect',
              classname: 'restart-nginx.srv9',
              failure: 'connect ECONNREFUSED 198.18.0.9:22',
            },
          ],
        },
      ],
    });
  });

  it('a failure under ignore_errors is a passing case whose output says why and keeps the command', async () => {
    const doc = parse(await write(ignoredFailuresRun)) as {
      suites: { name: string; failures: string; cases: { name: string; failure?: string; out?: string }[] }[];
    };
    const deb1 = doc.suites.find((s) => s.name === 'deb1');
    expect(deb1?.failures).toBe('0');
    expect(deb1?.cases[1]?.failure).toBeUndefined();
    expect(deb1?.cases[1]?.out).toContain(
      'ignored failure: cannot read the firewall rules: nft: refused (exit 3)',
    );
    expect(deb1?.cases[1]?.out).toContain("`sh -c 'rules=$(nft list ruleset) || exit 3' sh 443` exited 3");
    expect(doc.suites.find((s) => s.name === 'cent1')?.failures).toBe('1');
  });

  it('escapes markup, quotes, newlines and control characters so the document still parses', async () => {
    const nasty = `<b>"it's" & </testcase>\u0007\nline 2`;
    const doc = parse(
      await write({ hosts: [{ name: 'deb1', steps: [{ name: nasty, status: 'failed', message: nasty }] }] }),
    ) as { suites: { cases: { name: string; failure: string }[] }[] };
    const c = doc.suites[0]?.cases[0];
    expect(c?.name).toBe(`1. <b>"it's" & </testcase>\nline 2`);
    expect(c?.failure).toBe(`<b>"it's" & </testcase>\nline 2`);
    expect(xmlEscape('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
  });

  it('a host error without a failed step becomes a failing "host" case', async () => {
    const doc = parse(
      await write({
        hosts: [{ name: 'deb1', error: 'locked by alice@ops1 since 03:00', steps: [{ name: 'a' }] }],
      }),
    ) as { suites: { cases: { name: string; failure?: string }[] }[] };
    expect(doc.suites[0]?.cases.map((c) => [c.name, c.failure])).toEqual([
      ['1. a', undefined],
      ['host', 'locked by alice@ops1 since 03:00'],
    ]);
  });

  it('never writes a registered secret', async () => {
    registerSecret('S3cr3t-junit');
    const xml = await write({
      hosts: [
        {
          name: 'deb1',
          steps: [
            {
              name: 'pw',
              status: 'failed',
              output: ['S3cr3t-junit'],
              message: 'no S3cr3t-junit',
              notes: ['S3cr3t-junit'],
            },
          ],
        },
      ],
    });
    expect(xml).not.toContain('S3cr3t-junit');
    expect(xml).toContain('message="no ***"');
  });
});
