import { describe, expect, it } from 'vitest';
import type { SnapshotView } from '../../api';
import { pickSnapshot } from './snapshot';

const snapshot = (id: string, name: string): SnapshotView => ({
  version: 1,
  id,
  machineId: 'm',
  name,
  createdAt: '2026-12-07T02:00:00.000Z',
  installed: true,
  method: 'sparse-copy',
  files: [],
  path: `/snapshots/${id}`,
  apparentBytes: 1,
  allocatedBytes: 1,
});

describe('a snapshot named on the command line', () => {
  const list = [
    snapshot('s1', 'Before updates'),
    snapshot('s2', 'Café'),
    snapshot('s3', 'Twice'),
    snapshot('s4', 'twice'),
  ];

  it('by its id, or by its name in any case and either Unicode form', () => {
    expect(pickSnapshot(list, 's2', 'm').id).toBe('s2');
    expect(pickSnapshot(list, 'before UPDATES', 'm').id).toBe('s1');
    expect(pickSnapshot(list, 'Cafe\u0301', 'm').id).toBe('s2');
  });

  it('two of one name need the id; an unknown one says how to list them', () => {
    expect(() => pickSnapshot(list, 'twice', 'm')).toThrow(/2 snapshots called “twice”/);
    expect(() => pickSnapshot(list, 'nope', 'm')).toThrow(/no snapshot with the id or name “nope”/);
  });
});
