// `waptops report merge`: one recap, one exit code and one JSON/JUnit/HTML report from the reports of N shards.
import { ExitCode } from '../core/errors.js';
import { writeFileAtomic } from '../report/atomic.js';
import { palette, recapLines, verdictLine } from '../report/format.js';
import { writeHtmlReport } from '../report/html.js';
import { junitXml } from '../report/junit.js';
import { mergedRecord, mergeReports, readShardReport } from '../report/merge.js';

/** Options of `waptops report merge`. */
export interface MergeCliOptions {
  json?: string;
  junit?: string;
  html?: string;
}

/** Merges the reports, prints the recap and `RESULT:` line, writes the reports asked for, exits like one run. */
export async function reportMergeCommand(files: string[], opts: MergeCliOptions): Promise<void> {
  const shards = files.map(readShardReport);
  const merged = mergeReports(shards);
  if (opts.json) await writeFileAtomic(opts.json, `${JSON.stringify(merged, null, 2)}\n`);
  if (opts.junit) await writeFileAtomic(opts.junit, junitXml(mergedRecord(merged)));
  if (opts.html) await writeHtmlReport(opts.html, mergedRecord(merged));
  const p = palette(Boolean(process.stdout.isTTY) && process.env.CI !== 'true');
  const recaps = Object.values(merged.hosts).flatMap((h) => (h.recap ? [h.recap] : []));
  const hosts = Object.keys(merged.hosts).length;
  const lines = [
    `merged ${files.length} report(s) of ${merged.playbook}${merged.check ? ' (check)' : ''}: ${hosts} host(s)`,
    ...recapLines(recaps, merged.check, p),
  ];
  if (merged.exitCode === null) {
    const unfinished = shards.filter((s) => s.report.exitCode === null).map((s) => s.file);
    lines.push(
      p.red(`RESULT: ${unfinished.join(', ')}: the run never reached its end (it crashed) — exit 70`),
    );
  } else {
    const verdict = verdictLine(recaps, merged.exitCode, merged.check, merged.interrupted);
    lines.push(merged.exitCode === 0 ? p.green(verdict) : p.red(verdict));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(merged.exitCode ?? ExitCode.internal);
}
