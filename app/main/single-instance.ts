import { app } from 'electron';
import { handedLaunch, parseArgs, routeArgv, secondInstanceArgv, type LaunchArgs } from './instance-routing';

/** A second instance's arguments: its whole argv, an app launch's FILE taken from the folder it was started in. */
export function handedArgs(argv: string[], cwd: string, additionalData: unknown, defaultApp: boolean): LaunchArgs {
  const full = secondInstanceArgv(argv, additionalData);
  const launch = handedLaunch(routeArgv(full, { defaultApp }), cwd);
  return { ...parseArgs(full), ...(launch ? { launch } : {}) };
}

/**
 * What later starts of the executable hand to this one ('second-instance'). Listened to from before ready:
 * those that come while the shell still starts wait for `handle`.
 */
export class SecondInstances {
  private readonly pending: LaunchArgs[] = [];
  private handler: ((args: LaunchArgs) => void) | null = null;

  listen(): void {
    app.on('second-instance', (_event, argv, cwd, additionalData) => {
      const args = handedArgs(argv, cwd, additionalData, !app.isPackaged);
      if (this.handler) this.handler(args);
      else this.pending.push(args);
    });
  }

  /** From now on each hand-over goes to `handler`, those that came before first. */
  handle(handler: (args: LaunchArgs) => void): void {
    this.handler = handler;
    for (const args of this.pending.splice(0)) handler(args);
  }
}
