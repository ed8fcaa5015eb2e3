import { resolve } from 'node:path';
import { UsageError } from '../options';
import { writeSecretFile } from '../secret-file';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    '  export ID [-o FILE [--force]]\n' +
    '                              The machine as a compose.yml a person can run without Porthole. It holds\n' +
    '                              the Windows password: with -o/--output it is written to FILE, readable by\n' +
    '                              you only (0600); an existing FILE is left alone unless --force\n',
  async run({ values, call, print, needId }) {
    const result = await call('exportCompose', { id: needId() });
    if (values.output === undefined) {
      // The file as written (its writer escapes every control and invisible character inside its values).
      print(result, () => result.yaml, true);
      return 0;
    }
    if (!values.output) throw new UsageError('-o/--output needs a file name, such as compose.yml.');
    await writeSecretFile(values.output, result.yaml, values.force);
    const written = { file: resolve(values.output), mode: '0600' };
    print(written, () => `Wrote ${written.file} (readable by you only: it holds the Windows password).\n`);
    return 0;
  },
};
