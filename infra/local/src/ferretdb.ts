import fs from 'node:fs';
import path from 'node:path';
import type { Profile } from './profile.ts';
import { portVariables } from './profile.ts';
import type { StartedPart } from './process.ts';
import { ensurePortFree, spawnManaged, stopOnFailure, tcpConnect, waitUntil } from './process.ts';
import { ensureFerretdb, FERRETDB_VERSION } from './tools.ts';

export async function startFerretdb(profile: Profile): Promise<StartedPart> {
  const { ports, dirs } = profile;
  await ensurePortFree(ports.ferretdb, 'FerretDB', portVariables.ferretdb);
  const binary = await ensureFerretdb(dirs.tools, dirs.root);
  const dataDir = path.join(dirs.data, 'ferretdb');
  fs.mkdirSync(dataDir, { recursive: true });
  const db = spawnManaged({
    name: 'ferretdb',
    command: binary.path,
    // The SQLite URL names an existing directory and needs its trailing slash: one file per database.
    args: [
      '-listen-addr',
      `127.0.0.1:${ports.ferretdb}`,
      '-sqlite-url',
      `file:${dataDir}/`,
      '-log-level',
      'info',
    ],
    cwd: dataDir,
    env: process.env,
    logFile: path.join(dirs.logs, 'ferretdb.log'),
  });
  await stopOnFailure(db, () =>
    waitUntil(() => mongoPing(ports.ferretdb), {
      what: `FerretDB on 127.0.0.1:${ports.ferretdb}`,
      timeoutMs: 30_000,
      process: db,
    }),
  );
  return {
    endpoint: `mongodb://127.0.0.1:${ports.ferretdb}/?directConnection=true&retryWrites=false`,
    process: db,
    note: `${FERRETDB_VERSION}, ${binary.installed ? 'built' : 'reused'}`,
  };
}

/**
 * Sends `{ ping: 1, $db: "admin" }` as an OP_MSG and checks for `ok: 1`, which is all readiness needs;
 * a MongoDB driver here would be a large dependency for one command.
 */
export async function mongoPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  const socket = await tcpConnect(port, host);
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.setTimeout(2000, () => reject(new Error('ping timed out')));
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const received = Buffer.concat(chunks);
        if (received.length >= 4 && received.length >= received.readInt32LE(0)) resolve(received);
      });
      socket.write(opMsg(bsonDocument([int32Element('ping', 1), stringElement('$db', 'admin')])));
    });
    return replyIsOk(reply);
  } finally {
    socket.destroy();
  }
}

const OP_MSG = 2013;

function opMsg(document: Buffer): Buffer {
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + document.length, 0); // messageLength
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: the body document
  return Buffer.concat([header, document]);
}

function bsonDocument(elements: Buffer[]): Buffer {
  const body = Buffer.concat([...elements, Buffer.from([0])]);
  const length = Buffer.alloc(4);
  length.writeInt32LE(body.length + 4, 0);
  return Buffer.concat([length, body]);
}

function int32Element(name: string, value: number): Buffer {
  const number = Buffer.alloc(4);
  number.writeInt32LE(value, 0);
  return Buffer.concat([Buffer.from([0x10]), Buffer.from(`${name}\0`), number]);
}

function stringElement(name: string, value: string): Buffer {
  const text = Buffer.from(`${value}\0`);
  const length = Buffer.alloc(4);
  length.writeInt32LE(text.length, 0);
  return Buffer.concat([Buffer.from([0x02]), Buffer.from(`${name}\0`), length, text]);
}

/** The reply body is one document; its `ok` field is a double (type 0x01) equal to 1. */
export function replyIsOk(reply: Buffer): boolean {
  if (reply.length < 21 || reply.readInt32LE(12) !== OP_MSG) return false;
  const marker = Buffer.from([0x01, ...Buffer.from('ok\0')]);
  const at = reply.indexOf(marker, 21);
  return at !== -1 && reply.length >= at + marker.length + 8 && reply.readDoubleLE(at + marker.length) === 1;
}
