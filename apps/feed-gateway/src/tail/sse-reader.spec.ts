import { SseParser } from './sse-reader';

describe('SseParser', () => {
  it('parses messages with id, event and data, and comments, whatever the chunking and line endings', () => {
    const stream = ': hello\n\nid: a-1\nevent: insight.customer-at-risk\ndata: {"x":1}\n\n: heartbeat\r\n\r\nid: a-2\r\ndata: line 1\rdata:line 2\n\n';
    const whole = new SseParser().push(stream);
    expect(whole).toEqual([
      { kind: 'comment', text: 'hello' },
      { kind: 'message', id: 'a-1', event: 'insight.customer-at-risk', data: '{"x":1}' },
      { kind: 'comment', text: 'heartbeat' },
      { kind: 'message', id: 'a-2', event: 'message', data: 'line 1\nline 2' },
    ]);
    const parser = new SseParser();
    const byChar = [...stream].flatMap((char) => parser.push(char));
    expect(byChar).toEqual(whole);
  });

  it('keeps the last id for messages without one and ignores a block without data', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\nevent: x\n\ndata: d\n\nretry: 2000\n\n')).toEqual([{ kind: 'message', id: '7', event: 'message', data: 'd' }]);
  });
});
