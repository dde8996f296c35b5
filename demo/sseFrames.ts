// Turns one scripted reply into the Server-Sent Events of a Responses API stream, with its usage.
import type { TokenTotals } from '../src/shared/model';
import type { Reply } from './demoScript';

/** One SSE frame: `event: <type>` plus the JSON payload, which repeats the type as Codex expects. */
export function sseFrame(type: string, payload: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
}

/** Fixed, step-dependent numbers: tests compare against the tally in stats, never against constants. */
export function usageFor(step: number): TokenTotals {
  const input = 1000 + 100 * step;
  const output = 20 + step;
  return { input, cachedInput: 100, output, reasoningOutput: 2, total: input + output };
}

function usageJson(u: TokenTotals): Record<string, unknown> {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cachedInput },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoningOutput },
    total_tokens: u.total,
  };
}

/** Splits the final text into a few chunks so clients see it stream. */
function chunks(text: string, count = 4): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Frames after `response.created` for a reply that completes (exec, patch or message). */
export function completionFrames(reply: Reply, responseId: string, itemKey: string, usage: TokenTotals): string[] {
  const frames: string[] = [];
  // Codex reuses these ids as item ids in its notifications, so make them say what they are.
  const callId = `call_${itemKey}`;
  const messageId = `msg_${itemKey}`;
  if (reply.kind === 'exec') {
    const args: Record<string, string | number> = { cmd: reply.cmd };
    if (reply.yieldMs) args.yield_time_ms = reply.yieldMs;
    if (reply.escalate) {
      args.sandbox_permissions = 'require_escalated';
      args.justification = reply.escalate;
    }
    const item = { type: 'function_call', call_id: callId, name: 'exec_command', arguments: JSON.stringify(args) };
    frames.push(sseFrame('response.output_item.done', { output_index: 0, item }));
  } else if (reply.kind === 'tool') {
    const item = { type: 'function_call', call_id: callId, name: reply.name, arguments: JSON.stringify(reply.args) };
    frames.push(sseFrame('response.output_item.done', { output_index: 0, item }));
  } else if (reply.kind === 'patch') {
    const item = { type: 'custom_tool_call', call_id: callId, name: 'apply_patch', input: reply.patch };
    frames.push(sseFrame('response.output_item.done', { output_index: 0, item }));
  } else if (reply.kind === 'message') {
    const base = { type: 'message', role: 'assistant', id: messageId };
    frames.push(sseFrame('response.output_item.added', { output_index: 0, item: { ...base, content: [] } }));
    for (const delta of chunks(reply.text)) {
      frames.push(
        sseFrame('response.output_text.delta', { item_id: messageId, output_index: 0, content_index: 0, delta }),
      );
    }
    const done = { ...base, content: [{ type: 'output_text', text: reply.text }] };
    frames.push(sseFrame('response.output_item.done', { output_index: 0, item: done }));
  }
  frames.push(sseFrame('response.completed', { response: { id: responseId, usage: usageJson(usage) } }));
  return frames;
}
