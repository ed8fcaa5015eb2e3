import { PortholeError, usbKey, type UsbDeviceRef } from '../../api';
import type { ExecResult } from '../engine/exec';

/**
 * QEMU's QMP monitor of a machine, reached without a port: the image's `QMP=<chardev spec>` adds
 * `-qmp` on a unix socket inside the container (qemus/qemu src/config.sh; the stand-in does the same),
 * and Porthole talks to it with a command run in the container through the engine's exec API.
 * The image keeps its own monitors (power, ballooning) on other sockets.
 */
export const QMP_SOCKET = '/run/porthole-qmp.sock';
export const QMP_ENV = `QMP=unix:${QMP_SOCKET},server=on,wait=off`;

/**
 * Run with `sh -c SCRIPT porthole-qmp COMMAND...`: each COMMAND is one JSON line, sent after the
 * capabilities handshake. The pause before closing lets QEMU answer (it drops what is queued when a
 * client leaves). The image has nc (netcat-openbsd); the stand-in socat. Exit 10: no QMP socket.
 */
export const QMP_SCRIPT = [
  `sock=${QMP_SOCKET}`,
  '[ -S "$sock" ] || exit 10',
  '{ printf \'%s\\n\' \'{"execute":"qmp_capabilities"}\' "$@"; sleep 1; } |',
  '  if command -v socat >/dev/null 2>&1; then socat -t 2 - "UNIX-CONNECT:$sock"; else nc -q 2 -U "$sock"; fi',
].join('\n');

export interface QmpCommand {
  execute: string;
  arguments?: Record<string, unknown>;
}

export type QmpReply = { ok: true; value: unknown } | { ok: false; error: string };

export type QmpExec = (argv: string[]) => Promise<ExecResult>;

/** The answers to the commands, in order: the greeting, the handshake's answer and events are left out. */
export function parseQmpReplies(output: string): QmpReply[] {
  const replies: QmpReply[] = [];
  for (const line of output.split('\n')) {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof message !== 'object' || message === null) continue;
    if ('return' in message) replies.push({ ok: true, value: (message as { return: unknown }).return });
    else if ('error' in message) {
      const error = (message as { error: { desc?: unknown } }).error;
      replies.push({
        ok: false,
        error: typeof error?.desc === 'string' ? error.desc.slice(0, 300) : 'QEMU refused the command',
      });
    }
  }
  // The first answer is the handshake's.
  return replies.slice(1);
}

/** Runs QMP commands in the machine's container; one answer per command, or a PortholeError saying why none came. */
export async function runQmp(exec: QmpExec, commands: QmpCommand[], machine: string): Promise<QmpReply[]> {
  const result = await exec(['sh', '-c', QMP_SCRIPT, 'porthole-qmp', ...commands.map((c) => JSON.stringify(c))]);
  if (result.exitCode === 10) {
    throw new PortholeError(
      'CONFLICT',
      `${machine} was started without the monitor Porthole attaches USB devices through.`,
      'Restart the machine once with this Porthole; after that, devices attach while it runs.',
    );
  }
  const replies = parseQmpReplies(result.output);
  if (replies.length < commands.length) {
    throw new PortholeError(
      'ENGINE_ERROR',
      `QEMU in ${machine} did not answer.`,
      'Check that the machine is running (its screen shows), then try again.',
    );
  }
  return replies;
}

/** The QEMU device id of a host USB device given to a machine while it runs. */
export function usbDeviceId(d: { vendorId: string; productId: string }): string {
  return `porthole-usb-${d.vendorId}-${d.productId}`;
}

/** QMP device_add of a host USB device by vendor and product id, on the image's xHCI controller (as ARGUMENTS does at start). */
export function usbAttachCommand(d: Pick<UsbDeviceRef, 'vendorId' | 'productId'>): QmpCommand {
  return {
    execute: 'device_add',
    arguments: {
      driver: 'usb-host',
      id: usbDeviceId(d),
      bus: 'xhci.0',
      vendorid: parseInt(d.vendorId, 16),
      productid: parseInt(d.productId, 16),
    },
  };
}

export function usbDetachCommand(d: Pick<UsbDeviceRef, 'vendorId' | 'productId'>): QmpCommand {
  return { execute: 'device_del', arguments: { id: usbDeviceId(d) } };
}

/** What the monitor's `info usb` says: the devices on the machine's USB buses, QEMU's own list. */
export const INFO_USB: QmpCommand = { execute: 'human-monitor-command', arguments: { 'command-line': 'info usb' } };

/** The ids of devices attached by Porthole while running (and by ARGUMENTS at start, which have no id): from qom-list of /machine/peripheral. */
export const PERIPHERALS: QmpCommand = { execute: 'qom-list', arguments: { path: '/machine/peripheral' } };

export function peripheralIds(value: unknown): string[] {
  return Array.isArray(value)
    ? value.flatMap((p: unknown) =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as { name?: unknown }).name === 'string' &&
        (p as { type?: string }).type?.startsWith('child<')
          ? [(p as { name: string }).name]
          : [],
      )
    : [];
}

export function usbLabel(d: Pick<UsbDeviceRef, 'vendorId' | 'productId'> & { name?: string }): string {
  return d.name ? `${d.name} (${usbKey(d)})` : usbKey(d);
}
