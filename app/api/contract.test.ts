import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  actionNames,
  actions,
  eventNames,
  fromEnvelope,
  isActionName,
  machineDraftSchema,
  PortholeError,
  toEnvelope,
} from '.';

describe('the contract', () => {
  it('has a request and a response schema for every action', () => {
    for (const name of actionNames) {
      expect(actions[name].request).toBeInstanceOf(z.ZodType);
      expect(actions[name].response).toBeInstanceOf(z.ZodType);
    }
    expect(eventNames).toEqual([
      'machineChanged',
      'machineRemoved',
      'engineChanged',
      'hostChanged',
      'snapshotProgress',
      'isoCopyProgress',
    ]);
  });
  it('knows its own action names only', () => {
    expect(isActionName('startMachine')).toBe(true);
    expect(isActionName('toString')).toBe(false);
    expect(isActionName('__proto__')).toBe(false);
    expect(isActionName(42)).toBe(false);
  });
  it('validates machine ids and drafts', () => {
    expect(actions.startMachine.request.safeParse({ id: 'win-11' }).success).toBe(true);
    for (const bad of ['', 'Win', '../x', 'a b', 'x'.repeat(41)]) {
      expect(actions.startMachine.request.safeParse({ id: bad }).success).toBe(false);
    }
    expect(machineDraftSchema.safeParse({ name: '' }).success).toBe(false);
    expect(machineDraftSchema.safeParse({ name: 'ok', ramGiB: 1.5 }).success).toBe(false);
    expect(machineDraftSchema.safeParse({ name: 'ok', customIso: 'relative.iso' }).success).toBe(false);
    expect(
      machineDraftSchema.safeParse({
        name: 'ok',
        sharedFolders: [1, 2, 3, 4].map((n) => ({ hostPath: `/s${n}`, readOnly: false })),
      }).success,
    ).toBe(false);
  });
  it('applies request defaults', () => {
    expect(actions.machineLogs.request.parse({ id: 'a' })).toEqual({ id: 'a', tail: 200 });
  });
});

describe('error envelopes', () => {
  it('carry the code and remedy across and back', () => {
    const original = new PortholeError('ISO_INVALID', 'Not an ISO', 'Pick an .iso file');
    const env = toEnvelope(original);
    expect(env).toEqual({ code: 'ISO_INVALID', message: 'Not an ISO', remedy: 'Pick an .iso file' });
    const back = fromEnvelope(JSON.parse(JSON.stringify(env)));
    expect(back).toBeInstanceOf(Error);
    expect(back.code).toBe('ISO_INVALID');
    expect(back.remedy).toBe('Pick an .iso file');
  });
  it('turns schema errors into INVALID_ARGUMENT with the field path', () => {
    const result = actions.startMachine.request.safeParse({ id: 'Bad Id' });
    expect(result.success).toBe(false);
    if (!result.success) {
      const env = toEnvelope(result.error);
      expect(env.code).toBe('INVALID_ARGUMENT');
      expect(env.message).toMatch(/^id: /);
    }
  });
  it('hides nothing but the type of unknown errors', () => {
    expect(toEnvelope(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toEnvelope('str')).toEqual({ code: 'INTERNAL', message: 'str' });
  });
});
