/**
 * A server-sent-events parser (the text/event-stream format): feed it chunks as they arrive, get whole events
 * back. Comment lines (heartbeats) count as activity but carry no event.
 */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | null;
}

/** A line longer than this is not an event of this API: the buffer is dropped rather than grown without end. */
const MAX_BUFFER_CHARS = 256 * 1024;

export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | null = null;
  /** The rest of an over-long line is still coming: it is dropped up to its newline, not read as a line of its own. */
  private skippingLine = false;

  /** Returns the events completed by this chunk. */
  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    if (this.skippingLine) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end < 0) {
        this.buffer = '';
        return [];
      }
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      this.skippingLine = false;
    }
    const events: SseEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      const event = this.line(line);
      if (event) events.push(event);
    }
    if (this.buffer.length > MAX_BUFFER_CHARS) {
      // The event this line belonged to is broken: forget it whole, and the line's tail when it arrives.
      this.buffer = '';
      this.skippingLine = true;
      this.event = '';
      this.data = [];
    }
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return null;
      }
      const event: SseEvent = { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
      this.event = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    return null;
  }
}
