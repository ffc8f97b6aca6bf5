// Tests that the base image cache key follows the recipe files.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOTFS_FILES } from '../../../scripts/lab/config.js';
import { recipeHash } from '../../../scripts/lab/rootfs.js';

describe('lab base image recipe hash', () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'lab-recipe-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('is the same for a copy of the files and changes when a recipe file changes', () => {
    cpSync(ROOTFS_FILES, copy, { recursive: true });
    const original = recipeHash();
    expect(recipeHash(copy)).toBe(original);
    writeFileSync(path.join(copy, 'opt/wapt/lab/setup-base.sh'), '#!/bin/sh\n# changed\n');
    expect(recipeHash(copy)).not.toBe(original);
  });
});
