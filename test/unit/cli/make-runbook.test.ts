// The Makefile's runbook targets, with WAPTOPS pointed at a probe script: make variables reach waptops as
// words (nothing in them runs) and waptops starts with core dumps off (RLIMIT_CORE 0; Node cannot set it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'waptops-make-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('make runbook targets', () => {
  it('pass HOST and ARGS as words, run nothing in them, and start waptops with RLIMIT_CORE 0', () => {
    const probe = path.join(tmp, 'probe.sh');
    writeFileSync(probe, '#!/bin/sh\nulimit -c\nprintf "[%s]" "$@"\n', { mode: 0o755 });
    const marker = path.join(tmp, 'pwned');
    const out = execFileSync(
      'bash',
      [
        '-c',
        'ulimit -c unlimited; exec make -s -o build health WAPTOPS="$1" HOST="$2" ARGS="$3"',
        'make',
        probe,
        'deb1;id',
        `--check $(touch ${marker}) \`touch ${marker}\` ;rm`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe(
      `0\n[run][health][--limit][deb1;id][--check][$(touch][${marker})][\`touch][${marker}\`][;rm]`,
    );
    expect(existsSync(marker)).toBe(false);
  });
});
