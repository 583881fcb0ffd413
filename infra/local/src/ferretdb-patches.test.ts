import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  ferretdbPatches,
  patchesFingerprint,
  writePatchedCopy,
  type SourcePatch,
} from './ferretdb-patches.ts';

const patch: SourcePatch = { file: 'a/b.go', find: 'x == 1', replace: 'x.Has()', occurrences: 2 };

describe('FerretDB source patches', () => {
  it('when the text occurs as often as expected, then every occurrence is replaced', () => {
    expect(applyPatch('if x == 1 {}\nif x == 1 {}', patch)).toBe('if x.Has() {}\nif x.Has() {}');
  });

  it('when the source differs from the one the patch was made for, then the build stops with the file named', () => {
    expect(() => applyPatch('if x == 1 {}', patch)).toThrow(/a\/b\.go expected 2 occurrence\(s\).*found 1/);
  });

  it('when the module is copied, then the copy is patched and the original left as it was', () => {
    const moduleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'module-'));
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'patched-')), 'copy');
    fs.mkdirSync(path.join(moduleDir, 'a'));
    fs.writeFileSync(path.join(moduleDir, 'a/b.go'), 'x == 1; x == 1');
    fs.chmodSync(path.join(moduleDir, 'a/b.go'), 0o444);
    writePatchedCopy(moduleDir, outDir, [patch]);
    expect(fs.readFileSync(path.join(outDir, 'a/b.go'), 'utf8')).toBe('x.Has(); x.Has()');
    expect(fs.readFileSync(path.join(moduleDir, 'a/b.go'), 'utf8')).toBe('x == 1; x == 1');
  });

  it('when a patch changes, then the fingerprint that decides a rebuild changes', () => {
    expect(patchesFingerprint(ferretdbPatches)).not.toBe(patchesFingerprint([...ferretdbPatches, patch]));
  });
});
