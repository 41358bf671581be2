/**
 * A small Server-Sent Events reader for clients that cannot use EventSource (it sends no Authorization header):
 * the terminal tail and the tests. Parses the `text/event-stream` format (WHATWG HTML, "Server-sent events").
 */

export type SseMessage = Readonly<{ kind: 'message'; id: string | null; event: string; data: string }>;
export type SseComment = Readonly<{ kind: 'comment'; text: string }>;
export type SseItem = SseMessage | SseComment;

/** Feeds text chunks in, gets complete messages and comments out (a message ends at a blank line). */
export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];
  private hasData = false;

  push(chunk: string): SseItem[] {
    this.buffer += chunk;
    const items: SseItem[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const item = this.line(line);
      if (item) items.push(item);
    }
    return items;
  }

  private line(line: string): SseItem | null {
    if (line === '') {
      if (!this.hasData) {
        this.event = '';
        return null;
      }
      const message: SseMessage = { kind: 'message', id: this.id, event: this.event || 'message', data: this.data.join('\n') };
      this.event = '';
      this.data = [];
      this.hasData = false;
      return message;
    }
    if (line.startsWith(':')) return { kind: 'comment', text: line.slice(1).trimStart() };
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return null;
  }
}

export type SseConnection = Readonly<{
  status: number;
  headers: Headers;
  /** The body of a non-2xx answer (e.g. the JSON error); null for a stream. */
  errorBody: string | null;
  /** The messages and comments as they arrive; ends when the server closes the stream. */
  items: AsyncIterable<SseItem>;
  close(): void;
}>;

/** GET `url` as an event stream. A non-2xx answer is returned as is (`items` then yields nothing). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const body = response.body;
  const ok = response.ok && body !== null;
  const errorBody = ok ? null : await response.text().catch(() => '');
  async function* items(): AsyncGenerator<SseItem> {
    if (!ok) return;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        for (const item of parser.push(decoder.decode(chunk, { stream: true }))) yield item;
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  }
  return { status: response.status, headers: response.headers, errorBody, items: items(), close: () => abort.abort() };
}
