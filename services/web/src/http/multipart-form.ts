import busboy from 'busboy';
import type { Request } from 'express';

export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  /** The name the browser gave, for people to recognise; never used as a path. */
  filename: string;
  /** As the browser declared it; whoever stores the file checks the bytes themselves. */
  contentType: string;
  bytes: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
}

/** A form the visitor sent that cannot be taken: the web's error handler answers with `status`. */
export class MultipartFormRefused extends Error {
  readonly status: number;
  readonly reason: 'not-multipart' | 'too-large' | 'too-many-files' | 'too-many-fields' | 'malformed';
  constructor(status: number, reason: MultipartFormRefused['reason'], message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface MultipartLimits {
  /** Bytes per file; a larger file refuses the whole form (413) rather than storing part of it. */
  fileBytes: number;
  files: number;
  fields?: number;
}

/**
 * Reads a `multipart/form-data` post (a form with a file input) into memory, within limits, with busboy. Files
 * are small by design (photos and documents of a few MiB), and the services that keep them want the whole file
 * at once to hash it; an over-limit part stops the read at once.
 */
export function readMultipartForm(request: Request, limits: MultipartLimits): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    if (!request.is('multipart/form-data')) {
      reject(new MultipartFormRefused(415, 'not-multipart', 'the form must be sent as multipart/form-data'));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: {
          fileSize: limits.fileBytes,
          files: limits.files,
          fields: limits.fields ?? 40,
          fieldSize: 16 * 1024,
          parts: (limits.fields ?? 40) + limits.files,
        },
      });
    } catch (error) {
      reject(new MultipartFormRefused(400, 'malformed', (error as Error).message));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let failed = false;
    const fail = (refusal: MultipartFormRefused) => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      request.resume();
      reject(refusal);
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () =>
        fail(
          new MultipartFormRefused(
            413,
            'too-large',
            `${info.filename || field} is larger than ${limits.fileBytes} bytes`,
          ),
        ),
      );
      stream.on('end', () => {
        // A file input left empty still sends a part, with no name and no bytes: that is no file.
        if (failed || (!info.filename && chunks.length === 0)) return;
        files.push({
          field,
          filename: info.filename ?? '',
          contentType: info.mimeType,
          bytes: Buffer.concat(chunks),
        });
      });
    });
    parser.on('filesLimit', () =>
      fail(new MultipartFormRefused(413, 'too-many-files', `at most ${limits.files} files`)),
    );
    parser.on('fieldsLimit', () => fail(new MultipartFormRefused(413, 'too-many-fields', 'too many fields')));
    parser.on('partsLimit', () => fail(new MultipartFormRefused(413, 'too-many-fields', 'too many parts')));
    parser.on('error', (error: Error) => fail(new MultipartFormRefused(400, 'malformed', error.message)));
    parser.on('close', () => {
      if (!failed) resolve({ fields, files });
    });
    request.pipe(parser);
  });
}
