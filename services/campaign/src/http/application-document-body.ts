import { HttpProblem } from '@aid/http-kit';
import express, { type Express, type Request, type Response } from 'express';

export const applicationDocumentsPath = '/v1/organization-applications/:id/documents';

interface HeldBody {
  contentType: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  response: Response;
}

const held = new WeakMap<Request, HeldBody>();

/**
 * The HTTP kit reads JSON bodies only. A document is uploaded raw, so a thin app in front hides this route's body
 * from the kit and leaves it unread until the route has checked the applicant token (`readApplicationDocument`):
 * a stranger's 10 MiB is never taken in. Until then the connection is marked to close after the answer, so an
 * unread body is dropped with the socket rather than drained.
 */
export function withRawApplicationDocuments(app: Express): Express {
  const outer = express();
  outer.disable('x-powered-by');
  outer.post(applicationDocumentsPath, (request, response, next) => {
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
 * The uploaded bytes, up to the limit plus one byte (enough for the domain to refuse an oversized file with its
 * own reason). The declared type is not asked for: the bytes' signature decides what the document is.
 */
export async function readApplicationDocumentUpload(request: Request, limitBytes: number): Promise<Buffer> {
  const body = held.get(request);
  if (body?.contentLength !== undefined) request.headers['content-length'] = body.contentLength;
  else delete request.headers['content-length'];
  if (body?.transferEncoding !== undefined) request.headers['transfer-encoding'] = body.transferEncoding;
  request.headers['content-type'] = 'application/octet-stream';
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    express.raw({ type: () => true, limit: limitBytes })(request, body?.response ?? ({} as Response), (error?: unknown) => {
      if (!error) resolve(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      else if ((error as { type?: string }).type === 'entity.too.large') reject(new HttpProblem(413, 'document-too-large', `a document may be at most ${limitBytes} bytes (10 MiB)`, { field: '(body)' }));
      else reject(new HttpProblem(400, 'unreadable-body', 'the file could not be read', { field: '(body)' }));
    });
  });
  // The whole body is in: the connection can serve the client's next request.
  if (body) body.response.shouldKeepAlive = true;
  return bytes;
}

/**
 * `Content-Disposition` for a download under a name an applicant typed (any Unicode): an ASCII fallback in
 * `filename` and the exact name percent-encoded in `filename*` (RFC 6266, RFC 8187); header values must be Latin-1.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
