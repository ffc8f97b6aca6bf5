// The `wait` probe: polls until a port connects from the controller or a command exits 0 on the host.
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { StepError } from '../core/errors.js';
import { argv, displayCommand } from '../transport/command.js';
import { tcpConnect, tcpFailure } from './lib/net-probe.js';
import { type ActionContext, defineAction } from './types.js';

const waitSchema = Type.Object(
  {
    port: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: "TCP port on the host's address" }),
    ),
    host: Type.Optional(
      Type.String({
        minLength: 1,
        description: "With port: host to connect to (default: the host's address)",
      }),
    ),
    command: Type.Optional(
      Type.Array(Type.String(), { minItems: 1, description: 'argv run on the host until it exits 0' }),
    ),
    timeout: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, default: 60, description: 'Seconds to wait in all' }),
    ),
    interval: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, default: 1, description: 'Seconds between tries' }),
    ),
  },
  { additionalProperties: false, oneOf: [{ required: ['port'] }, { required: ['command'] }] },
);

/** How the wait ended: ready or not, after how many tries, and what the last try saw. */
export interface WaitState {
  target: string;
  ready: boolean;
  attempts: number;
  waitedMs: number;
  last: string;
}

type WaitParams = { port?: number; host?: string; command?: string[]; timeout?: number; interval?: number };

/** One try: null when ready, else what went wrong. */
async function tryOnce(ctx: ActionContext, p: WaitParams, remainingMs: number): Promise<string | null> {
  if (p.port !== undefined) {
    const probe = await tcpConnect(p.host ?? ctx.address, p.port, Math.min(5000, remainingMs), ctx.signal);
    return probe.state === 'open' ? null : tcpFailure(probe);
  }
  const r = await ctx.run(argv(...(p.command ?? [])), { timeoutMs: remainingMs });
  if (r.code === 0 && !r.timedOut) return null;
  const stderr = r.stderr.trim().split('\n').pop();
  return r.timedOut ? 'timed out' : `exited ${r.code}${stderr ? `: ${stderr}` : ''}`;
}

async function waitUntilReady(ctx: ActionContext, p: WaitParams): Promise<WaitState> {
  const target =
    p.port !== undefined ? `${p.host ?? ctx.address}:${p.port}` : displayCommand(argv(...(p.command ?? [])));
  const started = performance.now();
  const deadline = started + (p.timeout ?? 60) * 1000;
  let attempts = 0;
  let last = 'not tried';
  for (;;) {
    attempts++;
    // Each try gets at least a second, so the last one before the deadline is a real try.
    const problem = await tryOnce(ctx, p, Math.max(1000, Math.ceil(deadline - performance.now())));
    const waitedMs = Math.round(performance.now() - started);
    if (problem === null) return { target, ready: true, attempts, waitedMs, last: 'ready' };
    last = problem;
    const pause = Math.min((p.interval ?? 1) * 1000, deadline - performance.now());
    if (pause <= 0) return { target, ready: false, attempts, waitedMs, last };
    try {
      await sleep(pause, undefined, { signal: ctx.signal });
    } catch {
      throw new StepError(`interrupted while waiting for ${target} (last: ${last})`);
    }
  }
}

/** Waits until a port connects or a command succeeds, polling every `interval` seconds up to `timeout`. */
export const waitAction = defineAction({
  name: 'wait',
  description: 'Wait until a port connects from the controller or a command exits 0 on the host',
  schema: waitSchema,
  probe: true,
  read: waitUntilReady,
  plan(s, p) {
    const data = { ...s };
    if (s.ready) return { changes: [], reason: `${s.target} ready after ${s.attempts} tries`, data };
    return {
      changes: [],
      failed: `${s.target} not ready after ${p.timeout ?? 60} s (${s.attempts} tries); last: ${s.last}`,
      data,
    };
  },
});
