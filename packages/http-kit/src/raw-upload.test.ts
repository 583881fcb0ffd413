import { validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from './raw-upload.ts';

describe('evidence download name', () => {
  it.each(['handover.csv', 'Gedo 水 report.pdf', 'quote"back\\slash.png', 'emoji 🚰.jpg'])(
    'when the file is named %s, then the header is valid and carries the exact name',
    (name) => {
      const header = attachmentDisposition(name);
      expect(() => validateHeaderValue('content-disposition', header)).not.toThrow();
      expect(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(header)?.[1] ?? '')).toBe(name);
      expect(/filename="([^"]*)"/.exec(header)?.[1]).toMatch(/^[\x20-\x7e]*$/);
    },
  );
});
