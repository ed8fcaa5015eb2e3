import type Docker from 'dockerode';
import { isContainerRef, PortholeError } from '../../api';
import { describeEngineError } from './errors';
import { FrameDemuxer } from './log-frames';

export interface ExecResult {
  exitCode: number | null;
  /** stdout and stderr together, at most `maxOutputBytes` (the rest is dropped): the container's words are hostile input. */
  output: string;
}

export interface ExecOptions {
  /** The whole run, from create to exit code. */
  timeoutMs: number;
  maxOutputBytes?: number;
}

/**
 * Runs a command (an argument array, never a shell string of ours built from input) inside a running
 * container through the engine's exec API, which every engine kind offers (local, rootless, Podman,
 * over ssh), so nothing new is opened on the host's network. Bounded in time and output.
 */
export async function execInContainer(
  docker: Docker,
  container: string,
  argv: string[],
  options: ExecOptions,
): Promise<ExecResult> {
  if (!isContainerRef(container))
    throw new PortholeError('INVALID_ARGUMENT', `“${container.slice(0, 80)}” is not a container id or name.`);
  const max = options.maxOutputBytes ?? 64 * 1024;
  let stream: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      (stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
      reject(
        new PortholeError(
          'ENGINE_ERROR',
          `A command inside the machine's container did not finish within ${Math.round(options.timeoutMs / 1000)} s.`,
          'Try again; if it keeps happening, restart the machine.',
        ),
      );
    }, options.timeoutMs);
  });
  const run = async (): Promise<ExecResult> => {
    const exec = await docker
      .getContainer(container)
      .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
    stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
    let output = '';
    const demuxer = new FrameDemuxer((chunk) => {
      if (output.length < max) output += chunk.slice(0, max - output.length);
    });
    await new Promise<void>((resolve, reject) => {
      stream!.on('data', (chunk: Buffer) => demuxer.push(chunk));
      stream!.on('end', () => resolve());
      stream!.on('close', () => resolve());
      stream!.on('error', reject);
    });
    // The stream can end a moment before the engine records the exit code.
    let info = await exec.inspect();
    for (let tries = 0; info.Running && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      info = await exec.inspect();
    }
    return { exitCode: info.Running ? null : (info.ExitCode ?? null), output };
  };
  try {
    return await Promise.race([run(), deadline]);
  } catch (err) {
    if (err instanceof PortholeError) throw err;
    throw describeEngineError(err, 'the container engine');
  } finally {
    clearTimeout(timer);
  }
}
