import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCliHere as cli, throwawayCliConfig } from '../../core/testing/cli';

// A password an older Porthole kept: bidi override (U+202E), CSI (U+009B) and a zero-width space (U+200B).
const HOSTILE = 'ab\u202Ecd\u009B2Jx\u200By';

/** Runs the CLI with standard output seen as a terminal (isTTY) or not: the terminal boundary, stubbed. */
async function withStdoutTty<T>(tty: boolean, run: () => Promise<T>): Promise<T> {
  const own = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
  try {
    return await run();
  } finally {
    if (own) Object.defineProperty(process.stdout, 'isTTY', own);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  }
}

/** `porthole create --password-stdin` with `password` piped in. */
async function createWith(password: string, name: string): Promise<{ code: number; out: string; err: string }> {
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(password)]), configurable: true });
  try {
    return await cli('create', '--name', name, '--password-stdin', '--json');
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
  }
}

describe('porthole password of a password stored before the rule refused invisible marks', () => {
  const root = throwawayCliConfig('porthole-cli-password-');

  /** A machine made with a good password, then given HOSTILE in machines.json as an old configuration holds it. */
  async function oldMachine(): Promise<string> {
    const made = await createWith('Fine-Pass-1', 'Old');
    expect(made.code).toBe(0);
    const { id } = JSON.parse(made.out) as { id: string };
    const file = join(root(), 'config', 'machines.json');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"Fine-Pass-1"');
    await writeFile(file, text.replace('"Fine-Pass-1"', JSON.stringify(HOSTILE)));
    return id;
  }

  it('on a terminal: each such character escaped as \\u{...}, named in one line on stderr', async () => {
    const id = await oldMachine();
    const shown = await withStdoutTty(true, () => cli('password', id));
    expect(shown.code).toBe(0);
    expect(shown.out).toBe('ab\\u{202E}cd\\u{009B}2Jx\\u{200B}y\n');
    expect(shown.err).toBe(
      'Note: the password holds characters a terminal cannot show, written above as \\u{...}: ' +
        'character 3 is an invisible text-direction mark (U+202E); character 6 is a terminal control character (U+009B); ' +
        'character 10 is an invisible formatting mark (U+200B).\n',
    );
  });

  it('into a pipe or a file: exactly as stored; with --json: escaped, reading back as the same password', async () => {
    const id = await oldMachine();
    const piped = await withStdoutTty(false, () => cli('password', id));
    expect(piped).toEqual({ code: 0, out: `${HOSTILE}\n`, err: '' });
    for (const tty of [true, false]) {
      const json = await withStdoutTty(tty, () => cli('password', id, '--json'));
      expect(json.code).toBe(0);
      expect(json.out).not.toMatch(/[\u0080-\u009f\u200b\u202e]/);
      expect(json.out).toContain('ab\\u202ecd\\u009b2Jx\\u200by');
      expect(JSON.parse(json.out)).toEqual({ password: HOSTILE });
    }
  });

  it('a password that holds none prints exactly on a terminal too, with no note', async () => {
    const made = await createWith('plain-Ünïcode-🔑', 'Plain');
    const { id } = JSON.parse(made.out) as { id: string };
    expect(await withStdoutTty(true, () => cli('password', id))).toEqual({
      code: 0,
      out: 'plain-Ünïcode-🔑\n',
      err: '',
    });
  });

  it('create refuses such a password, naming the character and where it is, and stores nothing', async () => {
    const refused = await createWith('pass\u202Eword', 'New');
    expect(refused.code).toBe(1);
    const { error } = JSON.parse(refused.out) as { error: { code: string; message: string } };
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(
      'A password cannot contain control characters or invisible marks: character 5 is an invisible text-direction mark (U+202E).',
    );
    expect(JSON.parse((await cli('machines', '--json')).out)).toEqual([]);
  });
});
