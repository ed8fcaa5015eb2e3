import { resolve } from 'node:path';
import { failureFixes } from '../../api';
import { UsageError } from '../options';
import { progressOf, reportStart, settledStart } from './start';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    '  fix ID FIX [--iso PATH]     Apply the fix a failed start offers, then start: software-emulation,\n' +
    '                              other-ports, choose-iso (with --iso); make-room names the folder to free\n',
  async run(ctx) {
    const { values, positionals, call, print, backend } = ctx;
    const target = ctx.needId();
    const fix = failureFixes.find((f) => f === positionals[2]);
    if (!fix) throw new UsageError(`"porthole fix ${target}" needs one of: ${failureFixes.join(', ')}.`);
    if (fix === 'make-room') {
      const result = await call('fixMachine', { id: target, fix });
      print(
        result,
        () =>
          `Make room on the disk that holds ${result.folder ?? 'the storage folder'}, then: porthole start ${target}\n`,
      );
      return 0;
    }
    // Like start: the outcome is the machine's, once it is past the image's checks or has failed.
    const settled = await settledStart(
      backend,
      target,
      () => call('fixMachine', { id: target, fix, ...(values.iso ? { iso: resolve(values.iso) } : {}) }),
      progressOf(ctx),
    );
    return reportStart(settled, target, ctx.command, ctx.json, ctx.out, ctx.complain);
  },
};
