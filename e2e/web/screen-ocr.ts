// Reading the VM's screen in the e2e: noVNC's framebuffer to tesseract, and the way to iPXE's prompt
// on the shell test ISO. Shared by the screen specs (local engine and over ssh).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Page, TestInfo } from '@playwright/test';
import { expect } from './fixtures';

const run = promisify(execFile);

// X keysyms for the keys sent straight through the RFB client.
export const XK_RETURN = 0xff0d;

/** What the page exposes under `porthole.testHooks` (ScreenRoute's exposeForTests), as seen from here. */
export interface RfbTestWindow {
  __portholeRfb?: { sendKey(keysym: number, code: string | null, down?: boolean): void };
}

/** The test ISO that drops to the `iPXE>` prompt by itself: no key has to hit iPXE's two-second Ctrl+B window. */
export function shellIso(): string {
  const iso = process.env.PORTHOLE_TEST_SHELL_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_SHELL_ISO is not set: the Playwright global setup makes the test ISOs.');
  return iso;
}

/** The framebuffer as noVNC holds it (native resolution, not the scaled view), as PNG bytes; null before it has a canvas. */
async function framebufferOrNull(page: Page): Promise<Buffer | null> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="screen-canvas"] canvas');
    return canvas && canvas.width > 0 ? canvas.toDataURL('image/png') : null;
  });
  return dataUrl ? Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64') : null;
}

/** The framebuffer as PNG bytes; throws while the screen has no canvas. */
export async function framebufferPng(page: Page): Promise<Buffer> {
  const png = await framebufferOrNull(page);
  if (!png) throw new Error('the screen has no canvas yet');
  return png;
}

let ocrRuns = 0;

/**
 * Reads the VM's text screen with tesseract ('' while there is no canvas yet). The VGA text is light
 * on black and small: it is turned dark on white and upscaled first, which tesseract reads far better.
 * Each read leaves its pictures and text in the test's output, named `<prefix>-<n>`.
 */
export async function readScreen(page: Page, testInfo: TestInfo, prefix = 'screen'): Promise<string> {
  const png = await framebufferOrNull(page);
  if (!png) return '';
  ocrRuns += 1;
  const raw = testInfo.outputPath(`${prefix}-${ocrRuns}.png`);
  const prepared = testInfo.outputPath(`${prefix}-${ocrRuns}-ocr.png`);
  await writeFile(raw, png);
  await run('convert', [
    raw,
    '-colorspace',
    'Gray',
    '-negate',
    '-filter',
    'point',
    '-resize',
    '300%',
    '-threshold',
    '60%',
    prepared,
  ]);
  const { stdout } = await run('tesseract', [prepared, 'stdout', '--psm', '6'], { maxBuffer: 4 * 1024 * 1024 });
  await writeFile(testInfo.outputPath(`${prefix}-${ocrRuns}.txt`), stdout);
  return stdout;
}

/** How many times a word appears in the OCR text (case and a stray space or two ignored). */
export function occurrences(text: string, word: string): number {
  const squeezed = text.toLowerCase().replace(/[ \t]+/g, '');
  return squeezed.split(word.toLowerCase()).length - 1;
}

/**
 * Reads the screen until iPXE's `iPXE>` prompt shows, and answers the text read then. ISOLINUX's
 * `boot:` prompt waits for Enter once a key was seen: one is sent now and then.
 */
export async function waitForIpxePrompt(
  page: Page,
  testInfo: TestInfo,
  opts: { timeout: number; interval: number; prefix?: string },
): Promise<string> {
  let text = '';
  let enterAt = 0;
  await expect
    .poll(
      async () => {
        text = await readScreen(page, testInfo, opts.prefix);
        if (/iPXE>/.test(text)) return true;
        if (/boot:/.test(text) && Date.now() - enterAt > 5000) {
          enterAt = Date.now();
          await page.evaluate((enter) => {
            const rfb = (window as unknown as RfbTestWindow).__portholeRfb;
            rfb?.sendKey(enter, 'Enter', true);
            rfb?.sendKey(enter, 'Enter', false);
          }, XK_RETURN);
        }
        return false;
      },
      { timeout: opts.timeout, intervals: [opts.interval] },
    )
    .toBe(true);
  return text;
}
