import { describe, expect, it } from 'vitest';
import {
  acceptCheckpoint,
  judgeCheckpoint,
  parseState,
  stateFileName,
  type MonitorState,
} from './monitor.ts';
import { toBase64 } from './verify.ts';

const root = (byte: number) => new Uint8Array(32).fill(byte);
const seen = (size: number, byte: number): MonitorState['checkpoint'] => ({
  size,
  root: toBase64(root(byte)),
  note: 'note\n',
});
const base = {
  version: 1 as const,
  ledger: 'https://ledger.example',
  campaignId: 'c1',
  verifierKey: 'k+00000000+AQ==',
};

describe('monitor state', () => {
  it('when nothing was recorded, then the checkpoint becomes the baseline', () => {
    expect(judgeCheckpoint(null, { size: 5, root: root(1) })).toEqual({ kind: 'first' });
  });

  it('when the same head is seen again, then nothing needs proving', () => {
    expect(judgeCheckpoint(seen(5, 1), { size: 5, root: root(1) })).toEqual({ kind: 'unchanged' });
  });

  it('when the tree grew, then a consistency proof from the recorded head is asked for', () => {
    expect(judgeCheckpoint(seen(5, 1), { size: 9, root: root(2) })).toEqual({
      kind: 'grown',
      from: { size: 5, root: root(1) },
    });
  });

  it.each([
    ['the tree shrank', seen(9, 1), 5, 1, /shrank from 9 to 5/],
    ['another root has the same size', seen(9, 1), 9, 2, /two different roots for tree size 9/],
  ])('when %s, then it is an alert', (_case, previous, size, byte, message) => {
    const verdict = judgeCheckpoint(previous, { size, root: root(byte) });
    expect(verdict.kind).toBe('alert');
    expect(verdict.kind === 'alert' && verdict.message).toMatch(message);
  });

  it('when a checkpoint is accepted, then the state written reads back the same', () => {
    const state = acceptCheckpoint(
      base,
      { size: 7, root: root(3) },
      'origin\n7\nroot\n\n— sig\n',
      new Date('2026-01-01T00:00:00Z'),
    );
    expect(parseState(JSON.stringify(state))).toEqual(state);
    expect(state.checkpoint).toEqual({
      size: 7,
      root: toBase64(root(3)),
      note: 'origin\n7\nroot\n\n— sig\n',
    });
  });

  it.each([
    ['{', /not JSON/],
    ['{"version":2}', /version 1/],
    [JSON.stringify({ version: 1, ledger: 'x', campaignId: 'c' }), /lacks/],
    [
      JSON.stringify({ ...base, checkpoint: { size: -1, root: toBase64(root(1)), note: '' } }),
      /malformed checkpoint/,
    ],
    [JSON.stringify({ ...base, checkpoint: { size: 3, root: 'short', note: '' } }), /malformed checkpoint/],
  ])('when the state file holds %s, then it is refused with a reason', (text, reason) => {
    expect(() => parseState(text)).toThrow(reason);
  });

  it('when a state file is named, then it carries the ledger host (port included) and the campaign', () => {
    expect(stateFileName('https://ledger.example.org/', 'c1')).toBe('ledger.example.org-c1.json');
    expect(stateFileName('http://127.0.0.1:4004', 'c1')).toBe('127.0.0.1_4004-c1.json');
  });
});
