// What `npm pack` ships: the product (dist of core..cli), the playbooks and the editor schemas; no test code,
// no lab and no bench.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the npm package', () => {
  it('holds the CLI, every playbook and the schemas, and nothing of the tests, the lab or the bench', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    expect(files).toContain('dist/bin/waptops.js');
    expect(files).toContain('dist/scripts/engine/schema/compiled-with.cjs');
    expect(files).toContain('playbooks/migrate-repo.yml');
    expect(files).toContain('schemas/playbook.schema.json');
    expect(files).toContain('dist/scripts/actions/tree-copy.sh');
    expect(files).toContain('dist/scripts/engine/host-state/detached-job.sh');
    expect(files).toContain('dist/scripts/cli/completion/waptops.bash');
    expect(files).toContain('dist/scripts/cli/completion/waptops.zsh');
    expect(files.filter((f) => /^(test|dist\/test|dist\/scripts\/(lab|bench|build))\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });
});
