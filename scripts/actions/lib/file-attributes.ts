// What actions share about a path's attributes: the mode param, mode/owner/group changes, an empty directory.
import { Type } from '@sinclair/typebox';
import type { PathInfo } from '../../facts/path.js';
import { sh } from '../../transport/command.js';
import type { ActionContext, Change } from '../types.js';
import { attributeCommands, type FileAttributes } from './write-file.js';

/** Schema of a mode param: an octal string such as `0640` or `2775`. */
export const modeSchema = Type.String({ pattern: '^0?[0-7]{3,4}$', description: "Octal mode, e.g. '0640'" });

/** True when the directory has no entries (hidden ones included). */
export async function isEmptyDirectory(ctx: ActionContext, path: string): Promise<boolean> {
  const r = await ctx.run(sh`find ${path} -mindepth 1 -maxdepth 1 | head -n 1`);
  return r.code === 0 && r.stdout.trim() === '';
}

/** A mode param as stat prints it: four octal digits. */
function normalizeMode(mode: string): string {
  return Number.parseInt(mode, 8).toString(8).padStart(4, '0');
}

/** The attributes in `wanted` that differ from what stat found (owner/group compared by name or id). */
function attributeDifferences(info: PathInfo, wanted: FileAttributes): FileAttributes {
  if (!info.exists) return wanted;
  const diff: FileAttributes = {};
  if (wanted.mode && normalizeMode(wanted.mode) !== info.mode) diff.mode = normalizeMode(wanted.mode);
  if (wanted.owner && wanted.owner !== info.owner && wanted.owner !== String(info.uid))
    diff.owner = wanted.owner;
  if (wanted.group && wanted.group !== info.group && wanted.group !== String(info.gid))
    diff.group = wanted.group;
  return diff;
}

/** A change setting mode/owner/group of an existing path, undone by restoring the old ones; none if equal. */
export function attributeChange(path: string, info: PathInfo, wanted: FileAttributes): Change | undefined {
  const diff = attributeDifferences(info, wanted);
  if (!info.exists || Object.keys(diff).length === 0) return undefined;
  const words = [
    diff.mode && `mode ${diff.mode}`,
    diff.owner && `owner ${diff.owner}`,
    diff.group && `group ${diff.group}`,
  ].filter(Boolean);
  const old = {
    mode: diff.mode && info.mode,
    owner: diff.owner && info.owner,
    group: diff.group && info.group,
  };
  return {
    summary: `set ${words.join(', ')} on ${path}`,
    commands: attributeCommands(path, diff),
    undo: attributeCommands(path, old),
  };
}
