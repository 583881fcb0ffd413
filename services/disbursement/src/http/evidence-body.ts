import { HttpProblem } from '@aid/http-kit';
import express, { type Express, type Request, type Response } from 'express';
import { isEvidenceType, type EvidenceType } from '../domain/evidence.ts';

export const evidencePath = '/v1/disbursements/:id/evidence';

interface HeldBody {
  contentType: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  response: Response;
}

const held = new WeakMap<Request, HeldBody>();

/**
 * The HTTP kit accepts JSON bodies only. Evidence uploads are raw files, so a thin app in front hides this route's
 * body from the kit's JSON handling and leaves it unread: the route authenticates first and reads the file only
 * then (`readEvidenceUpload`), so a stranger's 10 MiB is never taken in. Until it is read, the connection is
 * marked to close after the answer, so an unread body is dropped with the socket rather than drained.
 */
export function withRawEvidenceBodies(app: Express): Express {
  const outer = express();
  outer.disable('x-powered-by');
  outer.post(evidencePath, (request, response, next) => {
    held.set(request, {
      contentType: request.headers['content-type'],
      contentLength: request.headers['content-length'],
      transferEncoding: request.headers['transfer-encoding'],
      response,
    });
    response.shouldKeepAlive = false;
    delete request.headers['content-type'];
    delete request.headers['transfer-encoding'];
    request.headers['content-length'] = '0';
    next();
  });
  outer.use(app);
  return outer;
}

/**
 * Reads the uploaded bytes (up to the limit; one byte over is enough to refuse) once the caller is known, and
 * their declared type; or the problem that explains why there are none.
 */
export async function readEvidenceUpload(request: Request, limitBytes: number): Promise<{ bytes: Buffer; contentType: EvidenceType }> {
  const body = held.get(request);
  const contentType = (body?.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!isEvidenceType(contentType)) {
    throw new HttpProblem(415, 'unsupported-media-type', 'send the file as application/pdf, image/jpeg, image/png or text/csv', { field: 'content-type' });
  }
  if (body?.contentLength !== undefined) request.headers['content-length'] = body.contentLength;
  else delete request.headers['content-length'];
  if (body?.transferEncoding !== undefined) request.headers['transfer-encoding'] = body.transferEncoding;
  request.headers['content-type'] = 'application/octet-stream';
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    express.raw({ type: () => true, limit: limitBytes })(request, body?.response ?? ({} as Response), (error?: unknown) => {
      if (!error) resolve(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      else if ((error as { type?: string }).type === 'entity.too.large') reject(new HttpProblem(413, 'evidence-too-large', `evidence files are limited to ${limitBytes} bytes`, { field: '(body)' }));
      else reject(new HttpProblem(400, 'unreadable-body', 'the file could not be read', { field: '(body)' }));
    });
  });
  // The whole body is in: the connection can serve the client's next request.
  if (body) body.response.shouldKeepAlive = true;
  return { bytes, contentType };
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
