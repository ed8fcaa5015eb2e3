import type { MachineView } from '../../api';
import { generatePassword } from '../../core/machine/defaults';
import { createOptions } from '../machine-flags';
import { UsageError } from '../options';
import { terminalSafe as safe } from '../terminal-safe';
import type { Verb, VerbContext } from './verb';

export const verb: Verb = {
  usage:
    '  create --name NAME [--version 11] [--ram GB] [--cpus N] [--disk GB] [--iso PATH] [--no-kvm] [--image REF]\n' +
    "                              [--no-audio] (the machine's sound is on unless this is given)\n" +
    '                              [--share PATH[:ro]]... (at most 3) [--user NAME] [--language L] [--keyboard K]\n' +
    '                              [--password-stdin] (the Windows password from standard input, else one is made)\n',
  async run(ctx) {
    const { values, numbers, call, print, json, err } = ctx;
    if (!values.name) throw new UsageError('"porthole create" needs --name.');
    const extra = await createOptions(values, process.stdin);
    // Generated here rather than by the backend so that it can be shown once, now, to the person who asked.
    // One given on standard input is never shown.
    const given = extra.password !== undefined;
    const password = extra.password ?? generatePassword();
    const machine: MachineView = await call('createMachine', {
      ...extra,
      name: values.name,
      password,
      ...(values.version ? { version: values.version } : {}),
      ...(numbers.ram !== undefined ? { ramGiB: numbers.ram } : {}),
      ...(numbers.cpus !== undefined ? { cpuCores: numbers.cpus } : {}),
      ...(numbers.disk !== undefined ? { diskGiB: numbers.disk } : {}),
      ...(values.iso ? { customIso: values.iso } : {}),
      ...(values.image ? { image: values.image } : {}),
      ...(values['no-kvm'] ? { kvm: false } : {}),
      ...(values['no-audio'] ? { audio: false } : {}),
    });
    print(
      given ? machine : { ...machine, password },
      () =>
        `Created ${safe(machine.name)} (${machine.id}). Start it with: porthole start ${machine.id}\n` +
        (given ? '' : `Windows password (shown once; "porthole password ${machine.id}" shows it again): ${password}\n`),
    );
    if (!json) for (const warning of machine.warnings ?? []) err(`Warning: ${warning}\n`);
    await warnWithoutKvm(ctx, machine);
    return 0;
  },
};

/** The wizard asks for software emulation where KVM cannot work; the CLI says so before the first start fails. */
async function warnWithoutKvm({ call, complain }: VerbContext, machine: MachineView): Promise<void> {
  if (!machine.kvm) return;
  const report = await call('checkHost', {});
  if (report.facts.kvmForMachines) return;
  const kvm = report.checks.find((c) => c.id === 'kvm');
  complain(
    `Warning: ${safe(machine.name)} uses KVM, but this computer cannot give it to machines${kvm?.found ? ` (${kvm.found})` : ''}, so its start will fail.\n` +
      `To run it in software emulation (about 10x slower): porthole fix ${machine.id} software-emulation. "porthole check" says how to fix KVM instead.\n`,
  );
}
