import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from './listen.ts';

describe('listen', () => {
  const servers: { close(): unknown }[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('when the port is free, then the server answers on it', async () => {
    const app = express().get('/ping', (_request, response) => void response.send('pong'));
    const server = await listen(app, 0, '127.0.0.1');
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/ping`)).text()).toBe('pong');
  });

  it('when another server holds the port, then it fails naming the taken address instead of listening nowhere', async () => {
    const holder = await listen(express(), 0, '127.0.0.1');
    servers.push(holder);
    const { port } = holder.address() as AddressInfo;
    await expect(listen(express(), port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
  });
});
