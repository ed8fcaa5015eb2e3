import { PortholeError, type MachineSettings } from '../../api';

export interface RemoteDesktopResult {
  launched: boolean;
  client: string | null;
  fix?: { text: string; commands: string[] };
}

export async function openRemoteDesktop(_machine: MachineSettings, _opts: { env: NodeJS.ProcessEnv }): Promise<RemoteDesktopResult> {
  throw new PortholeError('INTERNAL', 'Remote Desktop is not available yet.');
}
