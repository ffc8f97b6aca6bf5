// The `wapt_package` probe: checks on the controller that a file is a .wapt zip with a readable WAPT/control.
import { basename, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { openZip, ZipFormatError } from './lib/zip-directory.js';
import { defineAction, type Plan } from './types.js';

const waptPackageSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The .wapt file on the controller' }),
  },
  { additionalProperties: false },
);

/** What `wapt_package` read: the file's path, why it is not a package (or null), its control text. */
export interface WaptPackageState {
  path: string;
  problem: string | null;
  control: string | null;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The `key: value` fields of WAPT control data (keys may be padded with spaces before the colon). */
export function parseControl(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_-]+)\s*:\s?(.*)$/.exec(line);
    if (m) fields[(m[1] as string).toLowerCase()] = (m[2] as string).trim();
  }
  return fields;
}

async function inspect(path: string): Promise<Pick<WaptPackageState, 'problem' | 'control'>> {
  if (!path.endsWith('.wapt')) return { problem: 'the file name does not end in .wapt', control: null };
  let zip: Awaited<ReturnType<typeof openZip>>;
  try {
    zip = await openZip(path);
  } catch (e) {
    const why = e instanceof ZipFormatError ? e.message : ((e as NodeJS.ErrnoException).code ?? String(e));
    return { problem: `not a zip (${why})`, control: null };
  }
  try {
    const entry = zip.entries.find((e) => e.name === 'WAPT/control');
    if (!entry) return { problem: 'the zip has no WAPT/control', control: null };
    const data = await zip.read(entry);
    if (data.subarray(0, 3).equals(BOM))
      return { problem: 'WAPT/control starts with a UTF-8 BOM (EWaptBadControl)', control: null };
    let control: string;
    try {
      control = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      return { problem: 'WAPT/control is not UTF-8 (EWaptBadControl)', control: null };
    }
    return { problem: null, control };
  } catch (e) {
    return { problem: `unreadable WAPT/control (${(e as Error).message})`, control: null };
  } finally {
    await zip.close();
  }
}

/** Refuses a file that is not a .wapt package; exposes its package name, version and file name. */
export const waptPackageAction = defineAction({
  name: 'wapt_package',
  controller: true,
  description: 'Check on the controller that a file is a .wapt zip with UTF-8 WAPT/control data (read-only)',
  schema: waptPackageSchema,
  probe: true,
  async read(_ctx, params): Promise<WaptPackageState> {
    const path = resolve(params.path);
    return { path, ...(await inspect(path)) };
  },
  plan(state, params): Plan {
    if (state.problem !== null || state.control === null)
      return { changes: [], failed: `${params.path} is not a valid .wapt package: ${state.problem}` };
    const fields = parseControl(state.control);
    if (!fields.package)
      return {
        changes: [],
        failed: `${params.path} is not a valid .wapt package: WAPT/control has no package field`,
      };
    return {
      changes: [],
      reason: `${fields.package} ${fields.version ?? ''}`.trim(),
      data: { package: fields.package, version: fields.version ?? '', filename: basename(state.path) },
    };
  },
});
