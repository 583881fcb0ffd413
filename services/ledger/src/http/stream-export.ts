import type { Request, Response } from 'express';
import type { RouteResult } from '@aid/http-kit';
import type { CampaignExport } from '../use-cases/export-campaign.ts';

function writable(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * Writes an export chunk by chunk, waiting for the client to drain, so a large log never sits in memory. The
 * route kit only sends whole bodies, so this writes to the response itself and leaves the kit to end it. An
 * error after the first byte can no longer become a problem document: the connection is cut instead, which a
 * client sees as a truncated download rather than a silently short one.
 */
export async function streamExport(
  request: Request,
  exported: CampaignExport,
  contentType: string,
  headers: Record<string, string>,
): Promise<RouteResult> {
  const response = request.res;
  if (!response) throw new Error('express request without its response');
  response.status(200);
  response.setHeader('content-type', contentType);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  for await (const chunk of exported.chunks) {
    if (response.destroyed) break;
    if (chunk.length > 0 && !response.write(chunk)) await writable(response);
  }
  return {};
}
