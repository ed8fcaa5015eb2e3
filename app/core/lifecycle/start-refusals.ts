import { PortholeError, type Failure, type HostPorts } from '../../api';
import { DISK_FULL } from '../session/failures';

/** An engine refusal at create or start, in plain words, with the remedy Porthole can apply when it has one. */
export type StartRefusal = Pick<Failure, 'cause' | 'remedy' | 'fix'> & { logLine: string };

/**
 * Reads the engine's refusal of a create or start: a missing /dev/kvm, a host port taken between
 * Porthole's check and the engine's bind, a full disk. Anything else is left as the engine said it
 * (undefined). `ports` are the host ports being started, to say which of the machine's ports it was.
 */
export function startRefusal(engineText: string, ports: HostPorts, id: string): StartRefusal | undefined {
  const logLine = engineText.trim();
  // Docker: `error gathering device information while adding custom device "/dev/kvm": no such file or directory`;
  // Podman: `stat /dev/kvm: no such file or directory`.
  if (/\/dev\/kvm\\?["']?:\s*no such file or directory/i.test(logLine)) {
    return {
      cause: 'This computer has no /dev/kvm, so the machine cannot use KVM hardware acceleration.',
      remedy: `Run it in software emulation (about 10x slower): porthole fix ${id} software-emulation. Or turn on virtualization (VT-x/AMD-V) in the firmware and load the kvm module; "porthole check" says how.`,
      fix: 'software-emulation',
      logLine,
    };
  }
  // Docker: `Bind for 127.0.0.1:8006 failed: port is already allocated`, or the proxy's
  // `listen tcp4 127.0.0.1:8006: bind: address already in use`; Podman: `rootlessport listen tcp 127.0.0.1:8006: bind: ...`.
  const bind =
    /(?:Bind for|listen (?:tcp|udp)[46]?)\s+(?:\[[^\]]*\]|[^\s:]*):(\d+)(?::| failed)[\s\S]*?(?:already allocated|address already in use)/i.exec(
      logLine,
    );
  if (bind) {
    const port = Number(bind[1]);
    const which = port === ports.web ? 'screen' : port === ports.rdp ? 'Remote Desktop' : undefined;
    return {
      cause: `Port ${port} on this computer${which ? ` (the machine's ${which} port)` : ''} was taken by another program as the machine started.`,
      remedy: `Pick other free ports and start (Porthole saves them): porthole fix ${id} other-ports. Or close the program that uses port ${port}.`,
      fix: 'other-ports',
      logLine,
    };
  }
  if (/no space left on device/i.test(logLine)) return { ...DISK_FULL, logLine };
  return undefined;
}

/**
 * Runs the engine's create or start; a refusal `startRefusal` knows is told to `onRefused` (the machine's
 * failure, with its fix) and thrown as that plain cause and remedy instead of the engine's words.
 */
export async function withStartRefusals<T>(
  op: () => Promise<T>,
  ports: HostPorts,
  id: string,
  onRefused: (r: StartRefusal) => void,
): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const refusal = startRefusal(err instanceof Error ? err.message : String(err), ports, id);
    if (!refusal) throw err;
    onRefused(refusal);
    throw new PortholeError(err instanceof PortholeError ? err.code : 'ENGINE_ERROR', refusal.cause, refusal.remedy);
  }
}
