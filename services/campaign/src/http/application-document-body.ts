import { HttpProblem, readRawUpload } from '@aid/http-kit';
import type { Request } from 'express';

/** Documents are uploaded raw to this route (see `withRawUploads` in app.ts): read only after the applicant token. */
export const applicationDocumentsPath = '/v1/organization-applications/:id/documents';

/**
 * The uploaded bytes, up to the limit plus one byte (enough for the domain to refuse an oversized file with its
 * own reason). The declared type is not asked for: the bytes' signature decides what the document is.
 */
export function readApplicationDocumentUpload(request: Request, limitBytes: number): Promise<Buffer> {
  return readRawUpload(
    request,
    limitBytes,
    () =>
      new HttpProblem(413, 'document-too-large', `a document may be at most ${limitBytes} bytes (10 MiB)`, {
        field: '(body)',
      }),
  );
}
