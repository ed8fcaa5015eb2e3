/** Asks a yes/no question on the terminal; anything but "y"/"yes" is no, and so is the end of the input. */
export async function askYes(question: string, err: (s: string) => void): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, terminal: false });
  err(question);
  try {
    return await new Promise<boolean>((done) => {
      rl.once('line', (answer) => done(/^\s*y(es)?\s*$/i.test(answer)));
      rl.once('close', () => done(false));
    });
  } finally {
    rl.close();
  }
}
