import type { Verb } from './verb';

export const verb: Verb = {
  usage: '  rdp ID                      Open the machine in a Remote Desktop client (FreeRDP, Remmina)\n',
  async run({ id, call, print, needId }) {
    const result = await call('openRemoteDesktop', { id: needId() });
    print(result, () =>
      result.launched
        ? `Opened ${id} in ${result.client}${result.address ? ` at ${result.address}` : ''}\n${result.note ? `${result.note}\n` : ''}`
        : `No Remote Desktop client found. ${result.fix?.text ?? ''}\n${(result.fix?.commands ?? []).map((c) => `  ${c}`).join('\n')}\n`,
    );
    return result.launched ? 0 : 1;
  },
};
