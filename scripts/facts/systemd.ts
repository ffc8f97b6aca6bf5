// Whether systemd runs the host (PID 1, version) and the state of one unit from `systemctl show`.
import { raw, sh } from '../transport/command.js';
import { factFailure, keyValueLines } from './parse.js';
import type { Fact } from './types.js';

/** Whether systemd manages the host, and which version is installed. */
export interface SystemdInfo {
  /** True when systemd is PID 1 (or /run/systemd/system exists, as sd_booted(3) checks). */
  running: boolean;
  /** The command name of PID 1, e.g. `systemd`, `init`, `bash` in a container. */
  pid1: string;
  /** `systemctl --version` major number; null when systemctl is not installed. */
  version: number | null;
}

/** Whether systemd is PID 1 on the host and its version. */
export const systemdFact: Fact<SystemdInfo> = {
  key: 'systemd',
  command: raw(
    `printf 'pid1=%s\\n' "$(cat /proc/1/comm 2>/dev/null)"; ` +
      `if [ -d /run/systemd/system ]; then echo booted=yes; else echo booted=no; fi; ` +
      `printf 'version=%s\\n' "$(systemctl --version 2>/dev/null | head -n 1)"`,
  ),
  parse(result) {
    const fields = keyValueLines(result.stdout);
    if (!fields.has('pid1') || !fields.has('booted')) factFailure('systemd', result, 'unexpected output');
    const pid1 = fields.get('pid1') ?? '';
    const version = /^systemd (\d+)/.exec(fields.get('version') ?? '');
    return {
      running: pid1 === 'systemd' || fields.get('booted') === 'yes',
      pid1,
      version: version ? Number(version[1]) : null,
    };
  },
};

/** The state of one systemd unit as `systemctl show` reports it. */
export interface ServiceInfo {
  name: string;
  /** `loaded`, `not-found`, `masked`, `error`, ... */
  loadState: string;
  /** `active`, `inactive`, `failed`, `activating`, `deactivating`, `reloading`. */
  activeState: string;
  /** `running`, `dead`, `exited`, ... */
  subState: string;
  /** `enabled`, `disabled`, `static`, `masked`, ... or '' when there is no unit file. */
  unitFileState: string;
  /** PID of the main process, or 0. */
  mainPid: number;
  /** How the last run ended: `success`, `exit-code`, `start-limit-hit`, ... ('' when systemctl does not say). */
  result: string;
}

const RUNNING_STATES = new Set(['active', 'activating', 'reloading']);

/** True when the unit runs or is on its way (active, activating, reloading). */
export function unitIsRunning(s: Pick<ServiceInfo, 'activeState'>): boolean {
  return RUNNING_STATES.has(s.activeState);
}

const serviceProperties = 'LoadState,ActiveState,SubState,UnitFileState,MainPID,Result';

/** The state of unit `name`; an unknown unit has loadState `not-found` (not a failure). */
export function serviceFact(name: string): Fact<ServiceInfo> {
  const key = `service:${name}`;
  return {
    key,
    command: sh`systemctl show -p ${serviceProperties} -- ${name}`,
    parse(result) {
      if (result.code !== 0) factFailure(key, result);
      const fields = keyValueLines(result.stdout);
      const loadState = fields.get('LoadState');
      if (!loadState) factFailure(key, result, 'systemctl show printed no LoadState');
      return {
        name,
        loadState,
        activeState: fields.get('ActiveState') ?? '',
        subState: fields.get('SubState') ?? '',
        unitFileState: fields.get('UnitFileState') ?? '',
        mainPid: Number(fields.get('MainPID') ?? 0) || 0,
        result: fields.get('Result') ?? '',
      };
    },
  };
}
