// The `logs` probe: the last lines of a unit's journal and of log files, into the report and step data.
import { Type } from '@sinclair/typebox';
import { sh } from '../transport/command.js';
import { type ActionContext, defineAction } from './types.js';

const logsSchema = Type.Object(
  {
    unit: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_@.:\\\\][A-Za-z0-9_@.:\\\\-]*$',
        description: 'systemd unit whose journal to show',
      }),
    ),
    files: Type.Optional(
      Type.Array(Type.String({ pattern: '^/' }), {
        minItems: 1,
        description: 'Absolute paths of log files to tail',
      }),
    ),
    lines: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        default: 50,
        description: 'Lines from the end of each source',
      }),
    ),
  },
  { additionalProperties: false, anyOf: [{ required: ['unit'] }, { required: ['files'] }] },
);

/** What was collected: the journal text, each file's text, and the files that were missing or unreadable. */
export interface LogsState {
  unit?: string;
  files: Record<string, string>;
  missing: string[];
  problems: string[];
}

const missingCode = 3;

function noteBlock(ctx: ActionContext, title: string, text: string): void {
  ctx.note(`── ${title}`);
  for (const line of text.replace(/\n$/, '').split('\n')) ctx.note(line);
}

async function collect(
  ctx: ActionContext,
  p: { unit?: string; files?: string[]; lines?: number },
): Promise<LogsState> {
  const lines = p.lines ?? 50;
  const state: LogsState = { files: {}, missing: [], problems: [] };
  if (p.unit) {
    const r = await ctx.run(sh`journalctl -u ${p.unit} -n ${lines} --no-pager`);
    if (r.code === 0) {
      state.unit = r.stdout;
      noteBlock(ctx, `journalctl -u ${p.unit} (last ${lines} lines)`, r.stdout);
    } else {
      state.problems.push(`journalctl -u ${p.unit} exited ${r.code}: ${r.stderr.trim()}`);
    }
  }
  for (const file of p.files ?? []) {
    const r = await ctx.run(
      sh`if [ -e ${file} ]; then tail -n ${lines} -- ${file}; else exit ${missingCode}; fi`,
    );
    if (r.code === missingCode) {
      state.missing.push(file);
      ctx.note(`── ${file}: missing`);
    } else if (r.code !== 0) {
      state.problems.push(`tail ${file} exited ${r.code}: ${r.stderr.trim()}`);
    } else {
      state.files[file] = r.stdout;
      noteBlock(ctx, `${file} (last ${lines} lines)`, r.stdout);
    }
  }
  for (const problem of state.problems) ctx.note(`── ${problem}`);
  return state;
}

/** Collects the last lines of a unit's journal and of log files; a missing file is noted, not fatal. */
export const logsAction = defineAction({
  name: 'logs',
  description: "Collect the last lines of a unit's journal and of log files into the report",
  schema: logsSchema,
  probe: true,
  read: collect,
  plan(s) {
    const sources = [...(s.unit !== undefined ? ['journal'] : []), ...Object.keys(s.files)];
    const notes = [
      ...(s.missing.length ? [`missing: ${s.missing.join(', ')}`] : []),
      ...(s.problems.length ? [`unreadable: ${s.problems.length}`] : []),
    ];
    const reason = `collected ${sources.length ? sources.join(', ') : 'nothing'}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    return {
      changes: [],
      reason,
      data: { unit: s.unit ?? null, files: s.files, missing: s.missing, problems: s.problems },
    };
  },
});
