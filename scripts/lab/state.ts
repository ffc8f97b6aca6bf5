// The lab state file: what lab-up made (processes, loop devices), so lab-down can undo it after a crash.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LAB_FILES } from './config.js';

/** What lab-up made for one host. */
export interface HostState {
  nspawnPid?: number;
  loopDevice?: string;
  hostKey?: string;
}

/** What lab-up made, by host name; `complete` is set once every host answered SSH. */
export interface LabState {
  hosts: Record<string, HostState>;
  complete: boolean;
  /** The base image's recipe hash the hosts were made from (a lab of another recipe is made again). */
  recipe?: string;
}

/** The recorded state, or an empty one when there is none. */
export function readState(): LabState {
  if (!existsSync(LAB_FILES.state)) return { hosts: {}, complete: false };
  return JSON.parse(readFileSync(LAB_FILES.state, 'utf8')) as LabState;
}

/** Records the state atomically (written before each step that makes something). */
export function writeState(state: LabState): void {
  mkdirSync(path.dirname(LAB_FILES.state), { recursive: true });
  const temporary = `${LAB_FILES.state}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, LAB_FILES.state);
}

/** True when a process with this id exists. */
export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The container's init (the nspawn process's child), whose namespaces `nsenter` joins. */
export function containerLeader(nspawnPid: number): number | undefined {
  const file = `/proc/${nspawnPid}/task/${nspawnPid}/children`;
  if (!existsSync(file)) return undefined;
  const first = readFileSync(file, 'utf8').trim().split(/\s+/)[0];
  return first ? Number(first) : undefined;
}
