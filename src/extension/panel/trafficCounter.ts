// Counts what the host sends to the webview (messages, JSON bytes, records) so the cost of the panel is visible.

export class TrafficCounter {
  messages = 0;
  bytes = 0;
  readonly byType = new Map<string, { messages: number; bytes: number }>();

  add(type: string, bytes: number): void {
    this.messages++;
    this.bytes += bytes;
    const t = this.byType.get(type) ?? { messages: 0, bytes: 0 };
    t.messages++;
    t.bytes += bytes;
    this.byType.set(type, t);
  }

  describe(): string {
    const parts = [...this.byType.entries()].map(
      ([type, t]) => `${type} ${t.messages}× ${Math.round(t.bytes / 1024)} KiB`,
    );
    return `${this.messages} messages, ${Math.round(this.bytes / 1024)} KiB sent${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
}
