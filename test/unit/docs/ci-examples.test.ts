// docs/examples/: the GitLab CI file, the GitHub Actions workflow and the Kubernetes Indexed Job parse, split
// the fleet in 4 shards named as `--shard auto` reads them, keep every shard's report and merge them after.
// (test/lab/shards.test.ts runs their command lines against the lab.)
import { describe, expect, it } from 'vitest';
import { parseShard } from '../../../scripts/cli/shard.js';
import {
  ciExamples,
  githubExample,
  gitlabExample,
  jobContainer,
  kubernetesExample,
} from '../../helpers/ci-examples.js';

type Obj = Record<string, unknown>;

describe('the CI examples', () => {
  it('each runs --shard auto in 4 shards that --shard auto reads as 1/4 .. 4/4, and report merge after', () => {
    for (const ex of ciExamples()) {
      expect(ex.shardCommand, ex.file).toMatch(
        /^(exec )?waptops run health .*--check --shard auto --json "[^"]+"$/,
      );
      expect(ex.mergeCommand, ex.file).toMatch(
        /waptops report merge \S*health-\*\.json --json \S+ --junit \S+/,
      );
      expect(
        ex.shardEnvs.map((env) => parseShard('auto', env)),
        ex.file,
      ).toEqual([1, 2, 3, 4].map((k) => ({ k, n: 4 })));
      // each shard writes a report of its own, and the merge reads them all
      const json = /--json "([^"]+)"/.exec(ex.shardCommand)?.[1] as string;
      expect(json, ex.file).toMatch(/health-\$\w+\.json$/);
      expect(ex.mergeCommand).toContain(json.replace(/\$\w+/, '*'));
    }
  });

  it('GitLab: parallel: 4 in the check stage; the merge job after it, always, with its reports as artifacts', () => {
    const ex = gitlabExample();
    const doc = ex.docs[0] as Obj;
    expect(doc.stages).toEqual(['check', 'report']);
    const shard = doc.health as Obj;
    const merge = doc['health-report'] as Obj;
    expect(shard).toMatchObject({
      stage: 'check',
      parallel: 4,
      artifacts: { when: 'always', paths: ['health-*.json'] },
    });
    expect(merge).toMatchObject({
      stage: 'report',
      when: 'always',
      needs: [{ job: 'health', artifacts: true }],
    });
    expect(merge.artifacts).toMatchObject({ when: 'always', reports: { junit: 'health.xml' } });
    expect(ex.mergeCommand).toMatch(/--junit health\.xml$/);
  });

  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions, not JS templates
  it('GitHub Actions: a matrix of 4 without fail-fast, its count equal to the matrix; merge needs it, always', () => {
    const ex = githubExample();
    const jobs = (ex.docs[0] as Obj).jobs as Record<string, Obj>;
    const shard = jobs.shard as Obj;
    expect(shard.strategy).toEqual({ 'fail-fast': false, matrix: { shard: [1, 2, 3, 4] } });
    expect(shard.env).toEqual({ WAPTOPS_SHARD_INDEX: '${{ matrix.shard }}', WAPTOPS_SHARD_COUNT: 4 });
    const steps = (j: Obj) => j.steps as Obj[];
    const upload = steps(shard).find((s) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(upload).toMatchObject({ if: 'always()', with: { path: 'health-${{ matrix.shard }}.json' } });
    const merge = jobs.merge as Obj;
    expect(merge).toMatchObject({ needs: 'shard', if: 'always()' });
    const download = steps(merge).find((s) => String(s.uses).startsWith('actions/download-artifact@'));
    expect(download).toMatchObject({ with: { pattern: 'health-*', 'merge-multiple': true } });
    for (const job of Object.values(jobs)) expect(job['runs-on']).toBe('ubuntu-latest');
  });

  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions, not JS templates

  it('Kubernetes: an Indexed Job of 4 completions with JOB_COMPLETIONS equal to them, and a merge Job', () => {
    const ex = kubernetesExample();
    const [indexed, merge] = ex.docs as [Obj, Obj];
    for (const job of [indexed, merge]) {
      expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
      expect(((job.spec as Obj).template as Obj).spec).toMatchObject({ restartPolicy: 'Never' });
    }
    expect(indexed.spec).toMatchObject({ completions: 4, parallelism: 4, completionMode: 'Indexed' });
    expect(jobContainer(indexed).env).toEqual([{ name: 'JOB_COMPLETIONS', value: '4' }]);
    // both Jobs mount the same reports claim where the shards write and the merge reads
    const claim = (job: Obj) =>
      ((((job.spec as Obj).template as Obj).spec as Obj).volumes as Obj[]).find((v) => v.name === 'reports');
    expect(claim(indexed)).toEqual({
      name: 'reports',
      persistentVolumeClaim: { claimName: 'waptops-reports' },
    });
    expect(claim(merge)).toEqual(claim(indexed));
    expect(ex.shardCommand).toMatch(/--json "\/reports\/health-\$JOB_COMPLETION_INDEX\.json"$/);
  });
});
