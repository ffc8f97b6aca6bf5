// The `services` action: a set of systemd units stopped (remembering which ran) or started; absent units ignored.
import { Type } from '@sinclair/typebox';
import { type ServiceInfo, serviceFact, unitIsRunning } from '../facts/systemd.js';
import { sh } from '../transport/command.js';
import { type Change, defineAction, type Plan } from './types.js';

const unitName = Type.String({
  pattern: '^[A-Za-z0-9_@.:\\\\][A-Za-z0-9_@.:\\\\-]*$',
  description: 'systemd unit, e.g. `nginx`',
});

const servicesSchema = Type.Object(
  {
    names: Type.Array(unitName, {
      description: 'Units, in the order to stop them (started in the same order)',
    }),
    state: Type.Union([Type.Literal('stopped'), Type.Literal('started')], {
      description: 'stopped: stop the active ones; started: start those not active',
    }),
  },
  { additionalProperties: false },
);

function isAbsent(s: ServiceInfo): boolean {
  return s.loadState === 'not-found';
}

function stopChange(name: string): Change {
  return {
    summary: `stop ${name}`,
    commands: [sh`systemctl stop ${name}`],
    undo: [sh`systemctl start ${name}`],
  };
}

function startChange(name: string): Change {
  return {
    summary: `start ${name}`,
    commands: [sh`systemctl start ${name}`],
    undo: [sh`systemctl stop ${name}`],
  };
}

/** Stops or starts several units at once; `data.running` = those active when read, `data.absent` = unknown units. */
export const servicesAction = defineAction({
  name: 'services',
  description:
    'Stop the active units of a list (data.running remembers them) or start those not active; units that do not exist are ignored',
  schema: servicesSchema,
  async read(ctx, params): Promise<ServiceInfo[]> {
    const states: ServiceInfo[] = [];
    for (const name of params.names) states.push(await ctx.fact(serviceFact(name)));
    return states;
  },
  plan(states, params): Plan {
    const absent = states.filter(isAbsent).map((s) => s.name);
    const present = states.filter((s) => !isAbsent(s));
    const running = present.filter(unitIsRunning).map((s) => s.name);
    const data = { running, absent };
    const masked = present.filter((s) => s.loadState === 'masked' && !unitIsRunning(s)).map((s) => s.name);
    if (params.state === 'started' && masked.length > 0) {
      return {
        changes: [],
        failed: `masked, cannot start: ${masked.join(', ')} (systemctl unmask first)`,
        data,
      };
    }
    const changes =
      params.state === 'stopped'
        ? running.map(stopChange)
        : present.filter((s) => !unitIsRunning(s)).map((s) => startChange(s.name));
    if (changes.length > 0) return { changes, data };
    const absentNote = absent.length > 0 ? ` (not installed: ${absent.join(', ')})` : '';
    const what =
      present.length === 0
        ? 'no unit to act on'
        : `${present.map((s) => s.name).join(', ')} already ${params.state}`;
    return { changes: [], reason: `${what}${absentNote}`, data };
  },
});
