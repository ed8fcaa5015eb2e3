// What the ssh-engine integration tests share: "the engine's computer" is this one behind the test's sshd, in
// front of the shared engine; these read it directly (as a person logged in there would) to check what Porthole did.
import { PROBE_LABEL } from '../host/engine-host-probe';
import { dockerAt, program } from './processes';

/** The shared engine the test sshd fronts. */
export const SHARED_ENGINE = 'unix:///var/run/docker.sock';
export const sharedDocker = dockerAt(SHARED_ENGINE);

/** A script run by sh there, its arguments as $1…: never a string built from them. */
export const shThere = (script: string, ...args: string[]): Promise<string> =>
  program('sh', ['-c', script, 'sh', ...args]);

/** A file's sha256 there. */
export const sha256There = async (path: string): Promise<string> =>
  (await shThere('sha256sum "$1"', path)).split(' ')[0]!;

/** Porthole's helper containers on the shared engine (none is left after a test). */
export const helperContainers = (): Promise<string> => sharedDocker('ps', '-aq', '--filter', `label=${PROBE_LABEL}`);
