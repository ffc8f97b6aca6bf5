// Vitest reporter: prints each project's closing counts, and fails the run when any test was skipped or marked
// todo (a test that does not run proves nothing), naming each one.
import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  notRun: string[];
}

/** Counts per project; a skipped or todo test sets the exit code to 1. */
export default class NoSkipsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byProject = new Map<string, Counts>();
    for (const module of testModules) {
      const name = module.project.name || 'tests';
      const counts = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0, notRun: [] };
      byProject.set(name, counts);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else {
          counts.skipped++;
          counts.notRun.push(`${module.moduleId}: ${test.fullName} (${test.options.mode})`);
        }
      }
    }
    for (const [name, counts] of byProject) {
      console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
      for (const line of counts.notRun) console.log(`  not run: ${line}`);
      if (counts.skipped > 0) process.exitCode = 1;
    }
  }
}
