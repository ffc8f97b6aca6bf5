// Tree renderer for terminals (listr2, imported nowhere else): host > step, live output, then recap and verdict.
import {
  type DefaultRenderer,
  figures,
  Listr,
  ListrDefaultRendererLogLevels,
  ListrLogger,
  type ListrTaskWrapper,
  ProcessOutput,
  SilentRenderer,
} from 'listr2';
import { redact } from '../core/redact.js';
import type { HostRecap, RunEvent, StepStatus } from '../engine/events.js';
import {
  failureLines,
  firstLine,
  formatDuration,
  formatProgress,
  hostOutcome,
  palette,
  recapLines,
  statusWord,
  stepTag,
  verdictLine,
} from './format.js';
import { diffLines } from './plain.js';
import type { Renderer, RendererOptions } from './types.js';

type Wrapper = ListrTaskWrapper<object, typeof DefaultRenderer, typeof DefaultRenderer>;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** How a task ends: its final title, and whether listr should mark it failed (with `error` below it). */
interface Ending {
  title: string;
  status: StepStatus;
  error?: string;
}

interface StepNode {
  wrapper: Deferred<Wrapper>;
  end: Deferred<Ending>;
  startedAt: number;
}

interface HostNode {
  wrapper: Deferred<Wrapper>;
  end: Deferred<Ending>;
  /** Events of one host are applied in order, each after the listr task it touches exists. */
  queue: Promise<void>;
  step?: StepNode;
}

/** Runs a listr task until `end` settles, then gives it its final title and state. */
function taskUntil(node: { wrapper: Deferred<Wrapper>; end: Deferred<Ending> }) {
  return async (_ctx: object, w: Wrapper): Promise<void> => {
    node.wrapper.resolve(w);
    const ending = await node.end.promise;
    w.title = redact(ending.title);
    if (ending.status === 'skipped') w.skip();
    if (ending.status === 'failed') throw new Error(redact(ending.error ?? 'failed'));
  };
}

function hostEnding(host: string, r: HostRecap, check: boolean): Ending {
  const error = firstLine(r.error ?? '');
  const outcome = hostOutcome(r);
  const ignored = r.ignored ? `, ${r.ignored} ignored` : '';
  const counts = `${r.ok} ok, ${r.changed} ${check ? 'would change' : 'changed'}, ${r.failed} failed, ${r.skipped} skipped${ignored}`;
  const time = formatDuration(r.durationMs);
  // a failed host's error is in its title: listr prints no error line equal to the title
  if (outcome === 'unreachable' || outcome === 'locked') {
    const title = `${host} — ${outcome}: ${error}`;
    return { title, status: 'failed', error: title };
  }
  if (outcome === 'failed') {
    const title = `${host} — ${counts} (${time})${error ? `: ${error}` : ''}`;
    return { title, status: 'failed', error: title };
  }
  return { title: `${host} — ${counts} (${time})`, status: outcome === 'changed' ? 'changed' : 'ok' };
}

/** Creates the listr2 tree renderer; meant for a terminal. */
export function createTreeRenderer(opts: RendererOptions): Renderer {
  const out = opts.stream ?? process.stdout;
  const p = palette(opts.color ?? true);
  const now = opts.now ?? (() => new Date());
  const hosts = new Map<string, HostNode>();
  const after: string[] = [];
  let check = false;
  let listrDone: Promise<unknown> = Promise.resolve();

  const start = (hostNames: string[]) => {
    const rendererOptions = {
      collapseSubtasks: false,
      collapseErrors: false,
      collapseSkips: true,
      // a failed host shows a cross like a failed step, not listr's pointer for "failed subtasks"
      icon: { [ListrDefaultRendererLogLevels.FAILED_WITH_FAILED_SUBTASKS]: figures.cross },
      logger: new ListrLogger({
        processOutput: new ProcessOutput(out as NodeJS.WriteStream, out as NodeJS.WriteStream),
      }),
    };
    const tasks = hostNames.map((name) => {
      const node: HostNode = { wrapper: deferred(), end: deferred(), queue: Promise.resolve() };
      hosts.set(name, node);
      const run = taskUntil(node);
      return {
        title: `${name} (waiting)`,
        task: async (ctx: object, w: Wrapper) => {
          w.task.subtasks = [];
          await run(ctx, w);
        },
      };
    });
    // the CLI picked this renderer for a terminal: never let listr fall back to another one
    const listr = new Listr<object, 'default', 'default'>(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: 'default',
      rendererOptions,
      fallbackRenderer: 'default',
      fallbackRendererOptions: rendererOptions,
    });
    listrDone = listr.run();
  };

  // Adds a step under its host: a one-task listr run silently (as listr does for returned subtasks),
  // its task attached to the host's subtasks so the host's renderer draws it (listr2 9 runs no task
  // added to a list that is already running).
  const startStep = (host: HostNode, w: Wrapper, title: string): StepNode => {
    const node: StepNode = { wrapper: deferred(), end: deferred(), startedAt: now().getTime() };
    const one = w.newListr([{ title: redact(title), task: taskUntil(node) }], { exitOnError: false });
    one.rendererClass = SilentRenderer;
    w.task.subtasks.push(...one.tasks);
    void one.run();
    host.step = node;
    return node;
  };

  // An ignored failure takes its step's place as a skip drawn without collapse: listr's yellow ⚠ and the
  // title (listr reads a task's renderer options once, so the step's own task cannot change how it is drawn).
  const endIgnored = (host: HostNode, w: Wrapper, step: Wrapper | undefined, title: string): void => {
    const warning = w.newListr([{ title: redact(title), task: (_ctx: object, t: Wrapper) => t.skip() }], {
      exitOnError: false,
      rendererOptions: { collapseSkips: false, showSkipMessage: false },
    });
    warning.rendererClass = SilentRenderer;
    const at = step ? w.task.subtasks.indexOf(step.task) : -1;
    if (at >= 0) w.task.subtasks.splice(at, 1, ...warning.tasks);
    else w.task.subtasks.push(...warning.tasks);
    void warning.run();
    host.step?.end.resolve({ title, status: 'ok' });
  };

  const apply = async (host: HostNode, e: RunEvent): Promise<void> => {
    const hostTask = await host.wrapper.promise;
    const step = host.step ? await host.step.wrapper.promise : undefined;
    switch (e.kind) {
      case 'host:start':
        hostTask.title = e.host;
        break;
      case 'host:connect':
        hostTask.output = `connected (${formatDuration(e.durationMs)})`;
        break;
      case 'step:start':
        await startStep(host, hostTask, `${stepTag(e.index, e.rescue, opts.stepCount)} ${e.name}`).wrapper
          .promise;
        break;
      case 'cmd':
        if (step && opts.verbose) step.output = redact(`$ ${e.command}`);
        break;
      case 'output':
        if (step) step.output = redact(e.line);
        break;
      case 'progress':
        if (step && host.step)
          step.output = formatProgress(e.done, e.total, now().getTime() - host.step.startedAt);
        break;
      case 'step:end': {
        const shown = e.status === 'failed' ? failureLines(e, Boolean(opts.verbose)) : [e.message ?? ''];
        const word = e.ignored ? 'ignored' : statusWord(e.status, e.check);
        const why = shown[0] && (e.status !== 'failed' || e.ignored) ? `: ${firstLine(shown[0])}` : '';
        const title = `${step?.title ?? e.name} — ${word} (${formatDuration(e.durationMs)})${why}`;
        if (e.ignored) endIgnored(host, hostTask, step, title);
        else host.step?.end.resolve({ title, status: e.status, error: shown.join('\n') });
        host.step = undefined;
        if (opts.diff && e.diffs.length > 0) after.push(`${e.host} ${e.name}:`, ...diffLines(e.diffs, p));
        break;
      }
      case 'rollback':
        hostTask.output = e.failed.length === 0 ? 'rolled back' : 'rollback incomplete';
        break;
      case 'host:end':
        host.end.resolve(hostEnding(e.host, e.recap, check));
        break;
    }
  };

  const sink = (e: RunEvent): void => {
    if (e.kind === 'run:start') {
      check = e.check;
      start(e.hosts);
    } else if (e.kind === 'warn') {
      after.push(`${p.yellow('WARNING')} ${e.host ? `${e.host}: ` : ''}${e.message}`);
    } else if (e.kind === 'run:end') {
      after.push(...recapLines(e.recaps, check, p));
      const verdict = verdictLine(e.recaps, e.exitCode, check, e.interrupted);
      after.push(e.exitCode === 0 ? p.green(verdict) : p.red(verdict));
    } else {
      const host = hosts.get(e.host);
      if (host) host.queue = host.queue.then(() => apply(host, e));
    }
  };

  const done = async (): Promise<void> => {
    await Promise.all([...hosts.values()].map((h) => h.queue));
    // a host the engine never finished (interrupted, crashed) must still end its listr task
    for (const [name, h] of hosts) {
      h.step?.end.resolve({
        title: `${(await h.step.wrapper.promise).title} — did not finish`,
        status: 'failed',
      });
      h.end.resolve({ title: `${name} — did not finish`, status: 'failed' });
    }
    await listrDone;
    for (const line of after) out.write(`${redact(line)}\n`);
  };
  return { sink, done };
}
