import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { minimatch } from 'minimatch';

/** The files under `dir` that electron-builder's `files` patterns select (minimatch, as electron-builder uses; `!` excludes). */
export function shippedFiles(dir: string, patterns: string[]): string[] {
  const include = patterns.filter((p) => !p.startsWith('!'));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const all = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('node_modules/') && !f.startsWith('.git/'));
  const hit = (file: string, globs: string[]): boolean => globs.some((g) => minimatch(file, g, { dot: true }));
  return all.filter((f) => hit(f, include) && !hit(f, exclude)).sort();
}

/** Under out/, anything but the three parts the app is made of was written by something else (a test, the Node bundle). */
export const isTestOutput = (f: string): boolean => /^out\/(?!main\/|preload\/|renderer\/)/.test(f);
