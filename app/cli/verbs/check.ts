import { formatHostReport } from '../../core/host';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: '  check                       Check that this computer can run Windows machines\n',
  async run({ call, print }) {
    const report = await call('checkHost', {});
    print(report, () => formatHostReport(report));
    return report.ready ? 0 : 1;
  },
};
