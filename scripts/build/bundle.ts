// Build step: bundles the command line into dist/bin (one file plus a chunk per lazily loaded command),
// so starting `waptops` reads a few files instead of several hundred small modules.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// Run from dist/scripts/build; the sources are in scripts/, the bundle goes to dist/bin.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outdir = path.join(root, 'dist/bin');

/**
 * Packages left to node_modules: ssh2 (its optional native crypto binding is found beside its own
 * files), and what only some runs load (zx for local hosts, listr2 on a terminal, ajv for schemas
 * the build did not know).
 */
const EXTERNAL = ['ssh2', 'zx', 'listr2', 'ajv', 'cpu-features'];

/**
 * Each module keeps its own `import.meta.url`: the file tsc compiled it to in dist/scripts, so the
 * host scripts (.sh) and the precompiled validators it reads beside itself are found as before.
 */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/scripts\/.*\.ts$/ }, async (args) => {
      const compiled = path.join(root, 'dist', path.relative(root, args.path)).replace(/\.ts$/, '.js');
      const relative = path.relative(outdir, compiled).split(path.sep).join('/');
      const source = await readFile(args.path, 'utf8');
      const url = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

async function bundle(): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { waptops: path.join(root, 'scripts/cli/bin.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    plugins: [ownImportMetaUrl],
    // CommonJS code inside the bundle calls require() for Node's own modules.
    banner: {
      js: "import { createRequire as __waptopsRequire } from 'node:module';\nconst require = __waptopsRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
  console.log(`${path.relative(process.cwd(), outdir)}/waptops.js: bundled`);
}

bundle().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
