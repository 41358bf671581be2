import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';

const CHUNK_BYTES = 64 * 1024;
const logger = new Logger('AuditStream');

/**
 * Writes a long response in constant memory: text from `parts` is gathered into ~64 KB chunks, and after a chunk
 * the socket buffer is full the next part is only read once it has drained — so the event store is read exactly as
 * fast as the client takes the lines. Stops reading when the client goes away. An error after the headers went out
 * can no longer change the status: the response is destroyed, so the client sees a broken transfer, never a
 * complete-looking but truncated document.
 */
export async function writeStreamed(res: ServerResponse, parts: AsyncIterable<string>): Promise<void> {
  let closed = false;
  res.once('close', () => (closed = true));
  let chunk = '';
  const flush = async () => {
    if (chunk === '') return;
    const full = !res.write(chunk);
    chunk = '';
    if (full && !closed) await drained(res);
  };
  try {
    for await (const part of parts) {
      if (closed) return; // leaving the loop ends the generator: no further pages are read
      chunk += part;
      if (chunk.length >= CHUNK_BYTES) await flush();
    }
    await flush();
    res.end();
  } catch (err) {
    logger.error(`streaming aborted: ${err instanceof Error ? err.message : String(err)}`);
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

/** NDJSON: one JSON document per line. */
export async function* ndjsonLines(items: AsyncIterable<unknown>): AsyncIterable<string> {
  for await (const item of items) yield `${JSON.stringify(item)}\n`;
}

/** `{ …head, [arrayField]: [ …items ] }` as one JSON document, written item by item. */
export async function* jsonDocument(head: Record<string, unknown>, arrayField: string, items: AsyncIterable<unknown>): AsyncIterable<string> {
  const opening = JSON.stringify({ ...head, [arrayField]: [] });
  yield opening.slice(0, -2); // without the closing `]}`
  let first = true;
  for await (const item of items) {
    yield `${first ? '' : ','}${JSON.stringify(item)}`;
    first = false;
  }
  yield ']}';
}

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
