// Results of the host-side tracker tools for Codex: JSON text with the credential redacted and the size capped.

import { redactSecret } from './normalize';
import type { ToolResult } from '../execution/dynamicTools';

/** Tool output larger than this is cut (the model's context is the limit, not the API's). */
export const MAX_TOOL_OUTPUT_CHARS = 60_000;

/** JSON text for the model, with the credential redacted (defense in depth) and the size capped. */
export function toolResult(success: boolean, payload: unknown, secret: string | null = null): ToolResult {
  let text = typeof payload === 'string' ? payload : (JSON.stringify(payload, null, 2) ?? String(payload));
  text = redactSecret(text, secret);
  if (text.length > MAX_TOOL_OUTPUT_CHARS) {
    text = `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}\n… [truncated by Quartet: ${text.length - MAX_TOOL_OUTPUT_CHARS} more characters; narrow the request]`;
  }
  return { success, contentItems: [{ type: 'inputText', text }] };
}

export const toolError = (
  message: string,
  extra: Record<string, unknown> = {},
  secret: string | null = null,
): ToolResult => toolResult(false, { error: { message, ...extra } }, secret);

const MAX_RECORD_BODY = 4000;

/** JSON of a body for the journal, capped (the full call is also in the raw protocol record). */
export function recordBody(body: unknown, secret: string | null = null): string | null {
  if (body === undefined || body === null) return null;
  const text = redactSecret(JSON.stringify(body) ?? String(body), secret);
  return text.length > MAX_RECORD_BODY ? `${text.slice(0, MAX_RECORD_BODY)}…` : text;
}
