// The `service` action: a systemd unit started, stopped, restarted or reloaded, and enabled or not.
import { Type } from '@sinclair/typebox';
import { type ServiceInfo, serviceFact, unitIsRunning } from '../facts/systemd.js';
import { sh } from '../transport/command.js';
import { type Change, defineAction } from './types.js';

const serviceSchema = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9_@.:\\\\][A-Za-z0-9_@.:\\\\-]*$',
      description: 'systemd unit, e.g. `nginx` or `postgresql@15-main.service`',
    }),
    state: Type.Optional(
      Type.Union(
        [
          Type.Literal('started'),
          Type.Literal('stopped'),
          Type.Literal('restarted'),
          Type.Literal('reloaded'),
        ],
        { description: 'started/stopped change only when needed; restarted/reloaded always act' },
      ),
    ),
    enabled: Type.Optional(Type.Boolean({ description: 'Whether the unit starts at boot' })),
  },
  { additionalProperties: false },
);

// Unit file states in which `systemctl enable` has nothing to do.
const enabledLike = new Set([
  'enabled',
  'enabled-runtime',
  'static',
  'indirect',
  'generated',
  'transient',
  'alias',
]);
const disableable = new Set(['enabled', 'enabled-runtime']);

function systemctl(verb: string, unit: string) {
  return sh`systemctl ${verb} ${unit}`;
}

function stateChange(s: ServiceInfo, want: string | undefined): Change | undefined {
  const name = s.name;
  const isRunning = unitIsRunning(s);
  const start: Change = {
    summary: `start ${name}`,
    commands: [systemctl('start', name)],
    undo: [systemctl('stop', name)],
  };
  switch (want) {
    case 'started':
      return isRunning ? undefined : start;
    case 'stopped':
      return isRunning
        ? { summary: `stop ${name}`, commands: [systemctl('stop', name)], undo: [systemctl('start', name)] }
        : undefined;
    case 'restarted':
      return isRunning ? { summary: `restart ${name}`, commands: [systemctl('restart', name)] } : start;
    case 'reloaded':
      return isRunning ? { summary: `reload ${name}`, commands: [systemctl('reload', name)] } : start;
    default:
      return undefined;
  }
}

function enableChange(s: ServiceInfo, want: boolean | undefined): Change | undefined {
  const name = s.name;
  if (want === true && !enabledLike.has(s.unitFileState)) {
    return {
      summary: `enable ${name}`,
      commands: [systemctl('enable', name)],
      undo: [systemctl('disable', name)],
    };
  }
  if (want === false && disableable.has(s.unitFileState)) {
    return {
      summary: `disable ${name}`,
      commands: [systemctl('disable', name)],
      undo: [systemctl('enable', name)],
    };
  }
  return undefined;
}

/** Brings a systemd unit to the wanted run state and boot-time state. */
export const serviceAction = defineAction({
  name: 'service',
  description: 'Start, stop, restart or reload a systemd unit, and enable or disable it',
  schema: serviceSchema,
  read: (ctx, p) => ctx.fact(serviceFact(p.name)),
  plan(s, p) {
    const data = { ...s };
    if (s.loadState === 'not-found') return { changes: [], failed: `unit ${p.name} not found`, data };
    const wantsRunning = p.state !== undefined && p.state !== 'stopped';
    if (s.loadState === 'masked' && (wantsRunning || p.enabled === true)) {
      return { changes: [], failed: `unit ${p.name} is masked (systemctl unmask ${p.name} first)`, data };
    }
    const startLimited = wantsRunning && !unitIsRunning(s) && s.result === 'start-limit-hit';
    if (startLimited) {
      return {
        changes: [],
        failed: `${p.name} hit systemd's start limit (started too often in a short time): find the cause (journalctl -u ${p.name}), then \`systemctl reset-failed ${p.name}\` and run again`,
        data,
      };
    }
    const changes = [stateChange(s, p.state), enableChange(s, p.enabled)].filter((c): c is Change => !!c);
    if (changes.length > 0) return { changes, data };
    const boot = s.unitFileState ? `, ${s.unitFileState}` : '';
    return { changes, reason: `${p.name} is ${s.activeState} (${s.subState})${boot}`, data };
  },
});
