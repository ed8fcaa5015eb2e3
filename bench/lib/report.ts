import { writeFile } from 'node:fs/promises';
import type { TestInfo } from '@playwright/test';

/** Writes `<name>.json` and `<name>.txt` (the short table) into the test's output folder and prints the table. */
export async function writeReport(testInfo: TestInfo, name: string, summary: object, table: string[]): Promise<void> {
  await writeFile(testInfo.outputPath(`${name}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(testInfo.outputPath(`${name}.txt`), `${table.join('\n')}\n`);
  console.log(table.join('\n'));
}
