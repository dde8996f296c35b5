// Typed workflow errors (SPEC §5.5): one code per failure class, with the key path or line that explains it.

export type WorkflowErrorCode =
  | 'missing_workflow_file'
  | 'workflow_parse_error'
  | 'workflow_front_matter_not_a_map'
  | 'template_parse_error'
  | 'template_render_error'
  /** A front matter value of the wrong type or out of range (Quartet's name for SPEC §6.3's config errors). */
  | 'invalid_workflow_config';

export interface WorkflowErrorDetail {
  /** The workflow file, when known. */
  path?: string;
  /** Dotted key path of a config error, e.g. `agent.max_turns`. */
  key?: string;
  /** What the key accepts, e.g. `a positive integer`. */
  expected?: string;
  /** 1-based template line of a template error. */
  line?: number;
}

export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
    readonly detail: WorkflowErrorDetail = {},
  ) {
    super(message);
    this.name = 'WorkflowError';
  }

  /** One line for warnings, logs and the CLI: `<code>: <message>`. */
  describe(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** A config value error: `<key>: expected <expected> (got <value>)`. */
export function configError(key: string, expected: string, got: unknown): WorkflowError {
  return new WorkflowError('invalid_workflow_config', `${key}: expected ${expected} (got ${preview(got)})`, {
    key,
    expected,
  });
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
