// wait and logs on this machine (real sockets, files and journalctl), and service's read where systemd is absent.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logsAction } from '../../../scripts/actions/logs.js';
import { serviceAction } from '../../../scripts/actions/service.js';
import { waitAction } from '../../../scripts/actions/wait.js';
import { StepError } from '../../../scripts/core/errors.js';
import { systemdFact } from '../../../scripts/facts/systemd.js';
import { recordingContext } from '../../helpers/local-context.js';

const dir = mkdtempSync(join(tmpdir(), 'waptops-probes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type WaitParams = Parameters<typeof waitAction.plan>[1];

async function wait(params: WaitParams, signal?: AbortSignal) {
  return waitAction.plan(await waitAction.read(recordingContext(signal), params), params);
}

describe('wait', () => {
  it('waits until a port starts listening', async () => {
    const server = createServer();
    const port = await new Promise<number>((r) =>
      server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)),
    );
    await new Promise((r) => server.close(r));
    const waiting = wait({ port, timeout: 30, interval: 0.1 });
    setTimeout(() => server.listen(port, '127.0.0.1'), 300);
    const plan = await waiting;
    server.close();
    expect(plan.failed).toBeUndefined();
    expect(plan.data).toMatchObject({ ready: true, target: `127.0.0.1:${port}` });
  });

  it('waits until a command exits 0 on the host', async () => {
    const flag = join(dir, 'ready');
    setTimeout(() => writeFileSync(flag, ''), 300);
    const plan = await wait({ command: ['test', '-e', flag], timeout: 30, interval: 0.1 });
    expect(plan.data).toMatchObject({ ready: true });
  });

  it('fails after the timeout with what the last try saw', async () => {
    const plan = await wait({
      command: ['sh', '-c', 'echo not yet >&2; exit 3'],
      timeout: 0.3,
      interval: 0.1,
    });
    expect(plan.failed).toMatch(
      /^sh -c 'echo not yet >&2; exit 3' not ready after 0.3 s \(\d+ tries\); last: exited 3: not yet$/,
    );
  });

  it('stops when the run is interrupted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(
      wait({ command: ['false'], timeout: 60, interval: 0.05 }, controller.signal),
    ).rejects.toThrow(StepError);
  });
});

describe('logs', () => {
  it('tails each file into the report and data, and notes a missing file', async () => {
    const log = join(dir, 'error log.txt');
    for (let i = 1; i <= 100; i++) appendFileSync(log, `line ${i}\n`);
    const missing = join(dir, 'nope.log');
    const ctx = recordingContext();
    const params = { files: [log, missing], lines: 3 };
    const plan = logsAction.plan(await logsAction.read(ctx, params), params);
    expect(plan.data).toEqual({
      unit: null,
      files: { [log]: 'line 98\nline 99\nline 100\n' },
      missing: [missing],
      problems: [],
    });
    expect(plan.reason).toBe(`collected ${log} (missing: ${missing})`);
    expect(ctx.notes).toEqual([
      `── ${log} (last 3 lines)`,
      'line 98',
      'line 99',
      'line 100',
      `── ${missing}: missing`,
    ]);
  });

  it("reads a unit's journal with journalctl", async () => {
    const ctx = recordingContext();
    const state = await logsAction.read(ctx, { unit: 'nginx', lines: 5 });
    const collected =
      state.unit !== undefined || state.problems.some((p) => p.startsWith('journalctl -u nginx exited'));
    expect(collected).toBe(true);
    expect(ctx.notes.length).toBeGreaterThan(0);
  });
});

describe('service read', () => {
  it("reads the unit through systemctl, or fails with systemctl's words where systemd is not PID 1", async () => {
    const ctx = recordingContext();
    const systemd = await ctx.fact(systemdFact);
    const read = serviceAction.read(ctx, { name: 'ssh' });
    if (systemd.running) await expect(read).resolves.toMatchObject({ name: 'ssh' });
    else await expect(read).rejects.toThrow(/fact service:ssh: .*systemd/);
  });
});
