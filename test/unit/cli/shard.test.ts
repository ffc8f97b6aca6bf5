// `--shard K/N` and `--shard auto`: the shard read from each engine's variables, and one clear problem for a
// missing or ill-formed one.
import { describe, expect, it } from 'vitest';
import { parseShard, shardFromEnv } from '../../../scripts/cli/shard.js';
import { ValidationError } from '../../../scripts/core/errors.js';

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    const { problems } = e as ValidationError;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('--shard');
    return problems[0]?.message as string;
  }
  throw new Error('no problem raised');
}

describe('shardFromEnv', () => {
  it('reads a Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '4' })).toEqual({ k: 1, n: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '4' })).toEqual({ k: 4, n: 4 });
  });

  it('reads GitLab parallel: CI_NODE_INDEX counts from 1; a job without parallel is the whole fleet', () => {
    expect(shardFromEnv({ CI_NODE_INDEX: '1', CI_NODE_TOTAL: '4' })).toEqual({ k: 1, n: 4 });
    expect(shardFromEnv({ CI_NODE_INDEX: '4', CI_NODE_TOTAL: '4' })).toEqual({ k: 4, n: 4 });
    expect(shardFromEnv({ CI_NODE_TOTAL: '1' })).toEqual({ k: 1, n: 1 });
  });

  it('reads WAPTOPS_SHARD_INDEX/COUNT (from 1) first, over what an engine sets', () => {
    const env = {
      WAPTOPS_SHARD_INDEX: '2',
      WAPTOPS_SHARD_COUNT: '3',
      CI_NODE_INDEX: '1',
      CI_NODE_TOTAL: '5',
    };
    expect(shardFromEnv(env)).toEqual({ k: 2, n: 3 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '2', CI_NODE_TOTAL: '1' })).toEqual({
      k: 2,
      n: 2,
    });
  });

  it('says what is wrong in one line', () => {
    expect(problem(() => shardFromEnv({}))).toMatch(
      /no shard in the environment \(set WAPTOPS_SHARD_INDEX and WAPTOPS_SHARD_COUNT, or JOB_COMPLETION_INDEX and JOB_COMPLETIONS, or CI_NODE_INDEX and CI_NODE_TOTAL\)/,
    );
    expect(problem(() => shardFromEnv({ JOB_COMPLETION_INDEX: '0' }))).toMatch(
      /JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not \(Kubernetes does not set it: add it to the Job spec\)/,
    );
    expect(problem(() => shardFromEnv({ JOB_COMPLETION_INDEX: '4', JOB_COMPLETIONS: '4' }))).toMatch(
      /JOB_COMPLETION_INDEX=4 is outside 0\.\.3/,
    );
    expect(problem(() => shardFromEnv({ CI_NODE_INDEX: '0', CI_NODE_TOTAL: '4' }))).toMatch(
      /CI_NODE_INDEX=0 is outside 1\.\.4/,
    );
    expect(problem(() => shardFromEnv({ WAPTOPS_SHARD_INDEX: 'two', WAPTOPS_SHARD_COUNT: '4' }))).toMatch(
      /WAPTOPS_SHARD_INDEX must be a whole number, got 'two'/,
    );
    expect(problem(() => shardFromEnv({ WAPTOPS_SHARD_INDEX: '1', WAPTOPS_SHARD_COUNT: '0' }))).toMatch(
      /WAPTOPS_SHARD_COUNT must be at least 1/,
    );
    expect(problem(() => shardFromEnv({ WAPTOPS_SHARD_COUNT: '4' }))).toMatch(
      /WAPTOPS_SHARD_COUNT is set but WAPTOPS_SHARD_INDEX is not/,
    );
    expect(problem(() => shardFromEnv({ CI_NODE_TOTAL: '4' }))).toMatch(
      /CI_NODE_TOTAL is set but CI_NODE_INDEX is not/,
    );
  });
});

describe('parseShard', () => {
  it('takes K/N or auto, and nothing else', () => {
    expect(parseShard(undefined, {})).toBeUndefined();
    expect(parseShard('2/3', {})).toEqual({ k: 2, n: 3 });
    expect(parseShard('auto', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' })).toEqual({ k: 2, n: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3', 'AUTO'])
      expect(problem(() => parseShard(bad, {}))).toMatch(/expected K\/N with 1 <= K <= N, or auto/);
  });
});
