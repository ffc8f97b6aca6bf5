// `--shard K/N` and `--shard auto`: which slice of the hosts this run takes, from the option or from the
// variables a CI matrix or a Kubernetes Indexed Job sets.
import { ValidationError } from '../core/errors.js';

/** A 1-based shard number and the shard count. */
export interface Shard {
  k: number;
  n: number;
}

/** One way an engine names the shard: its two variables and whether its index counts from 0. */
interface ShardSource {
  engine: string;
  index: string;
  count: string;
  zeroBased: boolean;
}

// In this order: the variables meant for waptops win over those an engine sets by itself.
const SOURCES: ShardSource[] = [
  { engine: 'waptops', index: 'WAPTOPS_SHARD_INDEX', count: 'WAPTOPS_SHARD_COUNT', zeroBased: false },
  { engine: 'Kubernetes', index: 'JOB_COMPLETION_INDEX', count: 'JOB_COMPLETIONS', zeroBased: true },
  { engine: 'GitLab', index: 'CI_NODE_INDEX', count: 'CI_NODE_TOTAL', zeroBased: false },
];

const invalid = (message: string) => new ValidationError([{ path: '--shard', message }]);

function wholeNumber(env: NodeJS.ProcessEnv, name: string): number {
  const text = env[name] ?? '';
  if (!/^\d{1,9}$/.test(text.trim())) throw invalid(`auto: ${name} must be a whole number, got '${text}'`);
  return Number(text.trim());
}

function fromSource(env: NodeJS.ProcessEnv, s: ShardSource): Shard {
  if (env[s.count] === undefined) {
    const hint = s.engine === 'Kubernetes' ? ' (Kubernetes does not set it: add it to the Job spec)' : '';
    throw invalid(`auto: ${s.index} is set but ${s.count} is not${hint}`);
  }
  const n = wholeNumber(env, s.count);
  const index = wholeNumber(env, s.index);
  const k = s.zeroBased ? index + 1 : index;
  const range = s.zeroBased ? `0..${n - 1}` : `1..${n}`;
  if (n < 1) throw invalid(`auto: ${s.count} must be at least 1, got ${n}`);
  if (k < 1 || k > n) throw invalid(`auto: ${s.index}=${index} is outside ${range} (${s.count}=${n})`);
  return { k, n };
}

/** The shard the environment names for `--shard auto`; throws a one-line problem when it names none or a bad one. */
export function shardFromEnv(env: NodeJS.ProcessEnv): Shard {
  for (const s of SOURCES) if (env[s.index] !== undefined) return fromSource(env, s);
  // A GitLab job without `parallel:` has CI_NODE_TOTAL=1 and no CI_NODE_INDEX: the whole fleet.
  if (env.CI_NODE_TOTAL !== undefined && env.CI_NODE_TOTAL.trim() === '1') return { k: 1, n: 1 };
  const half = SOURCES.find((s) => env[s.count] !== undefined);
  if (half) throw invalid(`auto: ${half.count} is set but ${half.index} is not`);
  throw invalid(
    `auto: no shard in the environment (set ${SOURCES.map((s) => `${s.index} and ${s.count}`).join(', or ')})`,
  );
}

/** The shard `--shard` asks for: `K/N`, or `auto` read from `env`; undefined without the option. */
export function parseShard(option: string | undefined, env: NodeJS.ProcessEnv): Shard | undefined {
  if (option === undefined) return undefined;
  if (option === 'auto') return shardFromEnv(env);
  const m = /^(\d+)\/(\d+)$/.exec(option);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) {
    throw invalid(`expected K/N with 1 <= K <= N, or auto, got '${option}'`);
  }
  return { k, n };
}
