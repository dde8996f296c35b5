// Codex dynamic-tool shapes (app-server 0.169.0 `DynamicToolSpec`, `DynamicToolCallResponse`): what the runner offers and answers.

import type { ToolCallRecord } from '../../shared/events';

/** `thread/start` → `dynamicTools[]` entry (function form; needs `capabilities.experimentalApi`). */
export interface DynamicToolSpec {
  type: 'function';
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The reply to an `item/tool/call` server request. */
export interface ToolResult {
  success: boolean;
  contentItems: Array<{ type: 'inputText'; text: string }>;
}

/** Where a host-side tool reports each call (the journal's `tool_call` record). */
export type ToolCallRecorder = (record: ToolCallRecord) => void;
