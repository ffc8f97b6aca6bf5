// Picks the screen renderer (tree on a terminal, plain lines elsewhere) and the file reports.
import { registerSecret } from '../core/redact.js';
import {
  combineRenderers,
  createHtmlWriter,
  createJsonWriter,
  createJunitWriter,
  createRenderer,
} from '../report/index.js';
import type { Renderer } from '../report/types.js';

/** The report options of `waptops run`. */
export interface ReportChoice {
  plain?: boolean;
  diff?: boolean;
  json?: string;
  junit?: string;
  html?: string;
  verbose?: boolean;
  /** Secret values to mask in everything printed or written. */
  secrets: string[];
  stepCount: number;
}

/** One renderer feeding the screen and every requested report file. */
export async function openReports(choice: ReportChoice): Promise<Renderer> {
  for (const s of choice.secrets) registerSecret(s);
  const tty = Boolean(process.stdout.isTTY) && !choice.plain && process.env.CI !== 'true';
  const screen = await createRenderer(tty ? 'tree' : 'plain', {
    diff: Boolean(choice.diff),
    color: tty,
    verbose: Boolean(choice.verbose),
    stepCount: choice.stepCount,
  });
  // The file reports read one clock per event, so their times agree to the millisecond.
  let eventTime = Date.now();
  const eventClock = () => eventTime;
  const files: Renderer[] = [];
  if (choice.json) files.push(createJsonWriter(choice.json, eventClock));
  if (choice.junit) files.push(createJunitWriter(choice.junit));
  if (choice.html) files.push(createHtmlWriter(choice.html, eventClock));
  const all = combineRenderers(screen, ...files);
  return {
    sink: (e) => {
      eventTime = Date.now();
      all.sink(e);
    },
    done: all.done,
  };
}
