import { Notification } from 'electron';
import { HeldNotifications, MachineNotifier } from './notifications';
import type { Shell } from './shell';

/** Desktop notifications of machine changes; a click shows the machine's screen (when ready) or the main window. */
export function createNotifier(icon: string, shell: Shell): MachineNotifier {
  const held = new HeldNotifications<Notification>();
  return new MachineNotifier({
    isSupported: () => Notification.isSupported(),
    show: (n) =>
      held.show(new Notification({ title: n.title, body: n.body, icon }), () => {
        if (n.kind === 'ready' || n.kind === 'installed')
          void shell.openScreen(n.machineId).catch(() => shell.showMain());
        else shell.showMain();
      }),
  });
}
