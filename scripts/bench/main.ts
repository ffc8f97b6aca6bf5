// `make bench`: runs every benchmark in order and prints each figure next to its target (run from the repo root).
import { measureCliStartup } from './cli-startup.js';
import { measureConcurrency } from './concurrency.js';
import { measureCopy } from './copy.js';
import { measureStepCost } from './engine-steps.js';
import { fanoutOptions, measureFanout } from './fanout/fanout.js';
import { fanoutMarkdown } from './fanout/fanout-report.js';
import { machineDescription, PERFORMANCE_DOC, writePerformanceDoc } from './fanout/performance-doc.js';
import { measureRoundTrips } from './step-overhead.js';

const BENCHES = ['startup', 'roundtrip', 'steps', 'hosts', 'copy', 'fanout'] as const;

/** The fan-out comparison: prints it and writes it to docs/PERFORMANCE.md. */
async function runFanout(): Promise<void> {
  const opts = fanoutOptions();
  console.log(`  hosts ${opts.sizes.join(', ')}; ${opts.rounds} rounds; ${opts.tools.join(', ')}`);
  const sizes = await measureFanout(opts);
  const body = `${await machineDescription()}\n\n${fanoutMarkdown(sizes, opts.rounds)}`;
  console.log(`\n${body}`);
  await writePerformanceDoc(body);
  console.log(`written to ${PERFORMANCE_DOC}`);
}

/** Runs the benchmarks named in `only` (all when empty), in the order of BENCHES. */
export async function runBenchmarks(only: string[]): Promise<void> {
  const unknown = only.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  const wanted = (name: (typeof BENCHES)[number]) => only.length === 0 || only.includes(name);
  console.log(
    `waptops benchmarks on ${process.platform} node ${process.version}, ${new Date().toISOString()}`,
  );
  if (wanted('startup')) {
    console.log('\n1. CLI start-up: `waptops --version`');
    await measureCliStartup();
  }
  if (wanted('roundtrip')) {
    console.log('\n2a. one command over an open connection');
    await measureRoundTrips();
  }
  if (wanted('steps')) {
    console.log('\n2b. what a playbook step adds to its command (engine, via --json)');
    await measureStepCost();
  }
  if (wanted('hosts')) {
    console.log('\n3. 50 hosts at once with the default --forks');
    await measureConcurrency();
  }
  if (wanted('fanout')) {
    console.log(
      '\n5. fan-out: waptops, ansible-playbook and raw ssh2 on the same hosts (docs/PERFORMANCE.md)',
    );
    await runFanout();
  }
  if (wanted('copy')) {
    console.log('\n4. migrate-repo copy-and-verify (tree_copy) against cp -a, two ext4 loop devices');
    await measureCopy();
  }
}

runBenchmarks(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
