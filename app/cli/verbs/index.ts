// The CLI's verbs, name -> module (each in verbs/<name>.ts), in the order `porthole --help` lists them.
// commands.ts holds the same names for the Electron executable (commands.test.ts keeps the two in step).
import { verb as adopt } from './adopt';
import { verb as adoptable } from './adoptable';
import { verb as app } from './app';
import { verb as apply } from './apply';
import { verb as apps } from './apps';
import { verb as check } from './check';
import { verb as create } from './create';
import { verb as exportVerb } from './export';
import { verb as fix } from './fix';
import { verb as importVerb } from './import';
import { verb as iso } from './iso';
import { verb as kill } from './kill';
import { verb as logs } from './logs';
import { verb as machines } from './machines';
import { verb as password } from './password';
import { verb as rdp } from './rdp';
import { verb as restart } from './restart';
import { verb as restore } from './restore';
import { verb as rm } from './rm';
import { verb as rmSnapshot } from './rm-snapshot';
import { verb as screen } from './screen';
import { verb as set } from './set';
import { verb as snapshot } from './snapshot';
import { verb as snapshots } from './snapshots';
import { verb as start } from './start';
import { verb as stop } from './stop';
import { verb as usb } from './usb';
import type { Verb } from './verb';

export const VERBS: ReadonlyMap<string, Verb> = new Map([
  ['check', check],
  ['machines', machines],
  ['create', create],
  ['set', set],
  ['start', start],
  ['stop', stop],
  ['restart', restart],
  ['kill', kill],
  ['fix', fix],
  ['apply', apply],
  ['rm', rm],
  ['logs', logs],
  ['screen', screen],
  ['password', password],
  ['rdp', rdp],
  ['apps', apps],
  ['app', app],
  ['adoptable', adoptable],
  ['adopt', adopt],
  ['export', exportVerb],
  ['import', importVerb],
  ['snapshot', snapshot],
  ['snapshots', snapshots],
  ['restore', restore],
  ['rm-snapshot', rmSnapshot],
  ['usb', usb],
  ['iso', iso],
]);
