// The report layer's entry point: the CLI picks a renderer here and adds file reports beside it.
import type { RunEvent } from '../engine/events.js';
import { createPlainRenderer } from './plain.js';
import { printableEvent } from './printable.js';
import type { Renderer, RendererOptions } from './types.js';

export { createHtmlWriter, htmlReport, writeHtmlReport } from './html.js';
export { createJsonWriter } from './json.js';
export { createJunitWriter } from './junit.js';
export { createPlainRenderer } from './plain.js';
export type { Renderer, RendererOptions } from './types.js';

/** The terminal renderer (`tree`, listr2, loaded only then) or the line renderer for CI and cron (`plain`). */
export async function createRenderer(kind: 'tree' | 'plain', opts: RendererOptions): Promise<Renderer> {
  if (kind === 'plain') return createPlainRenderer(opts);
  return (await import('./tree.js')).createTreeRenderer(opts);
}

/**
 * One renderer that feeds every event to all of `renderers`, host output made printable (a host's escape
 * sequences are shown, never sent to the terminal or the reports), and waits for all of them when done.
 */
export function combineRenderers(...renderers: Renderer[]): Renderer {
  return {
    sink: (e: RunEvent) => {
      const shown = printableEvent(e);
      for (const r of renderers) r.sink(shown);
    },
    done: async () => {
      await Promise.all(renderers.map((r) => r.done()));
    },
  };
}
