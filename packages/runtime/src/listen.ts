import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Serves `app` on `port`, and fails when the port cannot be had. Not `app.listen`: Express 5 calls its callback
 * on an error too, which would hand back a server that listens nowhere and a service that starts deaf.
 */
export function listen(app: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
