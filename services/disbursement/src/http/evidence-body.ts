import { HttpProblem } from '@aid/http-kit';
import express, { type Express, type Request } from 'express';
import { isEvidenceType, type EvidenceType } from '../domain/evidence.ts';

export const evidencePath = '/v1/disbursements/:id/evidence';

interface EvidenceUpload {
  bytes?: Buffer;
  contentType?: string;
  error?: unknown;
}

const uploads = new WeakMap<Request, EvidenceUpload>();

/**
 * The HTTP kit accepts JSON bodies only. Evidence uploads are raw files, so a thin app in front reads the bytes
 * of this one route (up to the limit) before the kit sees the request, then hides the body from the kit's JSON
 * handling. The route itself stays a kit route: same authentication, logs, spans, OpenAPI and problem details,
 * and a parse failure (too large) is raised from inside it as a problem.
 */
export function withRawEvidenceBodies(app: Express, limitBytes: number): Express {
  const outer = express();
  outer.disable('x-powered-by');
  // One byte over the limit is enough to know the file is too large, without buffering an arbitrary body.
  const raw = express.raw({ type: () => true, limit: limitBytes });
  outer.post(evidencePath, (request, response, next) => {
    raw(request, response, (error?: unknown) => {
      const upload: EvidenceUpload = { contentType: request.headers['content-type'] };
      if (error) upload.error = error;
      else if (Buffer.isBuffer(request.body)) upload.bytes = request.body;
      uploads.set(request, upload);
      request.body = undefined;
      delete request.headers['content-type'];
      delete request.headers['transfer-encoding'];
      request.headers['content-length'] = '0';
      next();
    });
  });
  outer.use(app);
  return outer;
}

/** The uploaded bytes and their declared type, or the problem that explains why there are none. */
export function evidenceUploadOf(request: Request, limitBytes: number): { bytes: Buffer; contentType: EvidenceType } {
  const upload = uploads.get(request) ?? {};
  if ((upload.error as { type?: string } | undefined)?.type === 'entity.too.large') {
    throw new HttpProblem(413, 'evidence-too-large', `evidence files are limited to ${limitBytes} bytes`, { field: '(body)' });
  }
  if (upload.error) throw new HttpProblem(400, 'unreadable-body', 'the file could not be read', { field: '(body)' });
  const contentType = (upload.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!isEvidenceType(contentType)) {
    throw new HttpProblem(415, 'unsupported-media-type', 'send the file as application/pdf, image/jpeg, image/png or text/csv', { field: 'content-type' });
  }
  return { bytes: upload.bytes ?? Buffer.alloc(0), contentType };
}

/**
 * `Content-Disposition` for a download under a name people typed (any Unicode): an ASCII fallback in `filename`
 * and the exact name percent-encoded in `filename*` (RFC 6266, RFC 8187). Header values must be Latin-1, and
 * Node.js throws on anything else, which answered the download with a 500.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(Buffer.from(name, 'utf8').toString('utf8')).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
