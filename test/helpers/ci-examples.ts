// The CI examples in docs/examples/ read as their engine reads them: the shard command, the merge command,
// and the variables the engine gives each shard (GitLab parallel, a GitHub matrix, a Kubernetes Indexed Job).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One example: its parsed documents, and what running it means. */
export interface CiExample {
  file: string;
  docs: Record<string, unknown>[];
  /** The shell command each shard runs. */
  shardCommand: string;
  /** The shell command that merges the shards' reports. */
  mergeCommand: string;
  /** The environment the engine gives each shard, in shard order. */
  shardEnvs: Record<string, string>[];
}

type Obj = Record<string, unknown>;
const EXAMPLES = 'docs/examples';

/** Parses a YAML file of the examples; a YAML error fails with the file and its message. */
export function readExample(name: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(path.join(EXAMPLES, name), 'utf8'));
  for (const d of docs) if (d.errors.length > 0) throw new Error(`${name}: ${d.errors[0]?.message}`);
  return docs.map((d) => d.toJS() as Obj);
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected one ${what}, found ${items.length}`);
  return items[0] as T;
}

const lines = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const withText = (list: string[], text: string, what: string) =>
  only(
    list.filter((l) => l.includes(text)),
    what,
  );

/** `.gitlab-ci.yml`: the job with `parallel: N` and the job that runs `report merge`. */
export function gitlabExample(): CiExample {
  const [doc] = readExample('.gitlab-ci.yml') as [Obj];
  const jobs = Object.values(doc).filter(
    (j): j is Obj => typeof j === 'object' && j !== null && 'script' in j,
  );
  const shard = only(
    jobs.filter((j) => typeof j.parallel === 'number'),
    'job with parallel:',
  );
  const n = shard.parallel as number;
  return {
    file: '.gitlab-ci.yml',
    docs: [doc],
    shardCommand: withText(lines(shard.script), 'waptops run', 'waptops run line'),
    mergeCommand: withText(
      jobs.flatMap((j) => lines(j.script)),
      'waptops report merge',
      'merge line',
    ),
    shardEnvs: Array.from({ length: n }, (_, i) => ({
      CI_NODE_INDEX: String(i + 1),
      CI_NODE_TOTAL: String(n),
    })),
  };
}

/** The GitHub workflow: the matrix job (its env per matrix value) and the job that runs `report merge`. */
export function githubExample(): CiExample {
  const [doc] = readExample('github-actions.yml') as [Obj];
  const jobs = Object.values(doc.jobs as Obj) as Obj[];
  const shard = only(
    jobs.filter((j) => (j.strategy as Obj | undefined)?.matrix),
    'matrix job',
  );
  const values = ((shard.strategy as Obj).matrix as Obj).shard as unknown[];
  const env = shard.env as Record<string, unknown>;
  const runs = (j: Obj) => (j.steps as Obj[]).flatMap((s) => lines(s.run));
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
  const expand = (v: unknown, value: unknown) => String(v).replace('${{ matrix.shard }}', String(value));
  return {
    file: 'github-actions.yml',
    docs: [doc],
    shardCommand: withText(runs(shard), 'waptops run', 'waptops run step'),
    mergeCommand: withText(jobs.flatMap(runs), 'waptops report merge', 'merge step'),
    shardEnvs: values.map((value) =>
      Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expand(v, value)])),
    ),
  };
}

/** A Job's one container. */
export function jobContainer(job: Obj): Obj {
  const pod = ((job.spec as Obj).template as Obj).spec as Obj;
  return only(pod.containers as Obj[], 'container');
}

/** The Kubernetes manifest: the Indexed Job (JOB_COMPLETION_INDEX 0..N-1 plus its env) and the merge Job. */
export function kubernetesExample(): CiExample {
  const docs = readExample('kubernetes-indexed-job.yml');
  const indexed = only(
    docs.filter((d) => (d.spec as Obj).completionMode === 'Indexed'),
    'Indexed Job',
  );
  const container = jobContainer(indexed);
  const env = Object.fromEntries(
    (container.env as { name: string; value: string }[]).map((e) => [e.name, String(e.value)]),
  );
  const script = (job: Obj) => lines(jobContainer(job).command).at(-1) as string;
  const n = (indexed.spec as Obj).completions as number;
  return {
    file: 'kubernetes-indexed-job.yml',
    docs,
    shardCommand: script(indexed),
    mergeCommand: only(
      docs.map(script).filter((s) => s.includes('waptops report merge')),
      'merge Job',
    ),
    shardEnvs: Array.from({ length: n }, (_, i) => ({ ...env, JOB_COMPLETION_INDEX: String(i) })),
  };
}

/** The three examples. */
export function ciExamples(): CiExample[] {
  return [gitlabExample(), githubExample(), kubernetesExample()];
}
