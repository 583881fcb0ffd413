import express, { type Express, type Request, type Response } from 'express';
import { HttpProblem } from './problem.ts';

interface HeldBody {
  contentType: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  response: Response;
}

const held = new WeakMap<Request, HeldBody>();

/**
 * The kit reads JSON bodies only. A file is uploaded raw (evidence, an application's documents), so a thin app in
 * front hides these routes' bodies from the kit and leaves them unread until the route has authenticated the
 * caller (`readRawUpload`): a stranger's megabytes are never taken in. Until then the connection is marked to close
 * after the answer, so an unread body is dropped with the socket rather than drained.
 */
export function withRawUploads(app: Express, paths: readonly string[]): Express {
  const outer = express();
  outer.disable('x-powered-by');
  for (const path of paths) {
    outer.post(path, (request, response, next) => {
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
  }
  outer.use(app);
  return outer;
}

/** The media type the client declared for a held upload (lower case, without parameters), or ''. */
export function declaredUploadType(request: Request): string {
  return (held.get(request)?.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The uploaded bytes, up to the limit (one byte over is enough to refuse); `tooLarge` is the problem a larger file
 * gets, in the route's own words.
 */
export async function readRawUpload(
  request: Request,
  limitBytes: number,
  tooLarge: () => HttpProblem,
): Promise<Buffer> {
  const body = held.get(request);
  if (body?.contentLength !== undefined) request.headers['content-length'] = body.contentLength;
  else delete request.headers['content-length'];
  if (body?.transferEncoding !== undefined) request.headers['transfer-encoding'] = body.transferEncoding;
  request.headers['content-type'] = 'application/octet-stream';
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    express.raw({ type: () => true, limit: limitBytes })(
      request,
      body?.response ?? ({} as Response),
      (error?: unknown) => {
        if (!error) resolve(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
        else if ((error as { type?: string }).type === 'entity.too.large') reject(tooLarge());
        else
          reject(new HttpProblem(400, 'unreadable-body', 'the file could not be read', { field: '(body)' }));
      },
    );
  });
  // The whole body is in: the connection can serve the client's next request.
  if (body) body.response.shouldKeepAlive = true;
  return bytes;
}

/**
 * `Content-Disposition` for a download under a name people typed (any Unicode): an ASCII fallback in `filename`
 * and the exact name percent-encoded in `filename*` (RFC 6266, RFC 8187). Header values must be Latin-1, and
 * Node.js throws on anything else.
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
