// The journal route's reply made from the journal's own bytes: whole lines joined into JSON, never parsed and re-serialized.

import type { ServerResponse } from 'node:http';
import { readRawPage } from '../observability/journalIndex';

/** Default and largest page of the journal route: an endless journal never becomes one endless reply. */
export const JOURNAL_PAGE_BYTES = 4 * 1024 * 1024;
const MAX_JOURNAL_PAGE_BYTES = 64 * 1024 * 1024;

/**
 * The JSON text of a page: `?from=N` answers a plain array (one page: follow with the last seq + 1 until
 * empty); `&maxBytes=M` answers `{records, next}`, `next` being the `from` of the following page or null.
 */
export function journalReply(path: string, query: { from?: number; maxBytes?: number }): Buffer {
  const page = readRawPage(
    path,
    query.from ?? 0,
    Math.min(query.maxBytes ?? JOURNAL_PAGE_BYTES, MAX_JOURNAL_PAGE_BYTES),
  );
  const head = query.maxBytes === undefined ? '[' : '{"records":[';
  const tail = query.maxBytes === undefined ? ']' : `],"next":${page.next === null ? 'null' : page.next}}`;
  return joinLines(page.bytes, head, tail);
}

/** `head` + the lines separated by commas + `tail`: a journal line holds no raw newline (JSON escapes it). */
export function joinLines(lines: Buffer, head: string, tail: string): Buffer {
  const body = lines.length ? lines.length - 1 : 0; // the last newline goes
  const out = Buffer.allocUnsafe(Buffer.byteLength(head) + body + Buffer.byteLength(tail));
  let at = out.write(head);
  lines.copy(out, at, 0, body);
  for (let nl = out.indexOf(10, at); nl !== -1 && nl < at + body; nl = out.indexOf(10, nl + 1)) out[nl] = 44; // ','
  at += body;
  out.write(tail, at);
  return out;
}

/** Sends a reply already in JSON text. */
export function sendJson(res: ServerResponse, text: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
  res.end(text);
}
