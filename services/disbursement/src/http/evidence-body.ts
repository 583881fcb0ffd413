import { declaredUploadType, HttpProblem, readRawUpload } from '@aid/http-kit';
import type { Request } from 'express';
import { isEvidenceType, type EvidenceType } from '../domain/evidence.ts';

/** Evidence is uploaded raw to this route (see `withRawUploads` in app.ts): read only once the caller is known. */
export const evidencePath = '/v1/disbursements/:id/evidence';

/**
 * Reads the uploaded bytes (up to the limit; one byte over is enough to refuse) once the caller is known, and
 * their declared type; or the problem that explains why there are none.
 */
export async function readEvidenceUpload(
  request: Request,
  limitBytes: number,
): Promise<{ bytes: Buffer; contentType: EvidenceType }> {
  const contentType = declaredUploadType(request);
  if (!isEvidenceType(contentType)) {
    throw new HttpProblem(
      415,
      'unsupported-media-type',
      'send the file as application/pdf, image/jpeg, image/png or text/csv',
      { field: 'content-type' },
    );
  }
  const bytes = await readRawUpload(
    request,
    limitBytes,
    () =>
      new HttpProblem(413, 'evidence-too-large', `evidence files are limited to ${limitBytes} bytes`, {
        field: '(body)',
      }),
  );
  return { bytes, contentType };
}
