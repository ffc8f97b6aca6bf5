import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../../../scripts/core/redact.js';
import { createJsonWriter } from '../../../scripts/report/json.js';
import { type RunSpec, runEvents } from '../../helpers/report/events.js';
import { sampleRun } from '../../helpers/report/sample.js';

async function write(
  spec: RunSpec,
  cut?: number,
): Promise<{ doc: Record<string, unknown>; dir: string; text: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'waptops-json-'));
  const file = join(dir, 'report.json');
  // each event comes 10 ms after the one before it
  let t = 0;
  const w = createJsonWriter(file, () => t);
  for (const e of runEvents(spec).slice(0, cut)) {
    w.sink(e);
    t += 10;
  }
  await w.done();
  const text = await readFile(file, 'utf8');
  return { doc: JSON.parse(text), dir, text };
}

describe('json report', () => {
  it('writes the documented document, and only the report file', async () => {
    const { doc, dir } = await write(sampleRun);
    expect(await readdir(dir)).toEqual(['report.json']);
    expect(doc).toEqual({
      version: 1,
      runId: 'run-0001',
      playbook: 'restart-nginx',
      check: false,
      params: { timeout: 30, admin_password: '***' },
      started: '2026-11-24T03:00:00.000Z',
      durationMs: 4200,
      exitCode: 3,
      interrupted: false,
      hosts: {
        deb1: {
          recap: {
            host: 'deb1',
            ok: 1,
            changed: 1,
            failed: 0,
            skipped: 1,
            unreachable: false,
            durationMs: 1450,
          },
          // run:start at 0 ms, then 10 ms per event: host:start, host:connect, then each step's events
          startMs: 10,
          steps: [
            {
              index: 0,
              name: 'nginx configuration is valid',
              rescue: false,
              status: 'ok',
              changes: [],
              diffs: [],
              message: 'checked',
              reason: null,
              ignored: false,
              notes: [],
              data: null,
              startMs: 30,
              durationMs: 250,
            },
            {
              index: 1,
              name: 'nginx restarted',
              rescue: false,
              status: 'changed',
              changes: ['restart nginx'],
              diffs: [{ path: '/etc/waptserver/waptserver.ini', before: 'a\nb\nc\n', after: 'a\nB\nc\n' }],
              message: null,
              reason: null,
              ignored: false,
              notes: ['nginx was running for 3 days'],
              data: null,
              startMs: 70,
              durationMs: 1200,
            },
            {
              index: 2,
              name: 'port 443 answers',
              rescue: false,
              status: 'skipped',
              changes: [],
              diffs: [],
              message: 'when: params.timeout > 60 is false',
              reason: null,
              ignored: false,
              notes: [],
              data: null,
              startMs: 100,
              durationMs: 0,
            },
          ],
        },
        cent1: {
          recap: {
            host: 'cent1',
            ok: 1,
            changed: 0,
            failed: 0,
            skipped: 0,
            unreachable: false,
            durationMs: 300,
          },
          startMs: 130,
          steps: [expect.objectContaining({ index: 0, status: 'ok', durationMs: 300 })],
        },
        srv9: {
          recap: {
            host: 'srv9',
            ok: 0,
            changed: 0,
            failed: 0,
            skipped: 0,
            unreachable: true,
            error: 'connect ECONNREFUSED 198.18.0.9:22',
            durationMs: 5000,
          },
          startMs: 180,
          steps: [],
        },
      },
    });
  });

  it('marks rescue steps and keeps step data', async () => {
    const { doc } = await write({
      hosts: [
        {
          name: 'deb1',
          steps: [
            { name: 'port 443 answers', status: 'failed', message: 'timed out', data: { port: 443 } },
            { name: 'nginx logs', rescue: true },
          ],
        },
      ],
    });
    const steps = (
      doc.hosts as Record<string, { steps: { index: number; rescue: boolean; data: unknown }[] }>
    ).deb1?.steps;
    expect(steps?.map((s) => [s.index, s.rescue, s.data])).toEqual([
      [0, false, { port: 443 }],
      [0, true, null],
    ]);
  });

  it('still writes a report when the run never ended: run:end fields are null', async () => {
    const events = runEvents(sampleRun);
    const { doc } = await write(sampleRun, events.length - 1 - 5);
    expect(doc.exitCode).toBeNull();
    expect(doc.durationMs).toBeNull();
    expect((doc.hosts as Record<string, { recap: unknown }>).srv9?.recap).toBeNull();
  });

  it('never writes a registered secret', async () => {
    registerSecret('S3cr3t-json');
    const { text } = await write({
      hosts: [
        {
          name: 'deb1',
          steps: [
            {
              name: 'password set',
              status: 'failed',
              output: ['S3cr3t-json'],
              message: 'bad S3cr3t-json',
              notes: ['S3cr3t-json'],
              diffs: [{ path: '/x', before: '', after: 'pw="S3cr3t-json"\n' }],
            },
          ],
        },
      ],
    });
    expect(text).not.toContain('S3cr3t-json');
    expect(text).toContain('bad ***');
    expect(text).toContain('pw=\\"***\\"');
  });
});
