import type { Verb } from './verb';

export const verb: Verb = {
  usage: "  screen ID                   The screen's websocket address\n",
  async run({ call, print, needId }) {
    const result = await call('screenEndpoint', { id: needId() });
    print(result, () => result.url + '\n' + (result.note ? `${result.note}\n` : ''));
    return 0;
  },
};
