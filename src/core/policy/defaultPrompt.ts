// The prompt an attempt gets when the repository has no workflow file (and the rules every attempt gets), and the commit message from its answer.

export interface PromptInput {
  title: string;
  prompt: string;
  index: number;
  attempts: number;
  worktree: string;
  branch: string;
}

export function defaultPrompt(p: PromptInput): string {
  return [p.prompt.trim() || p.title.trim(), '', '---', attemptPolicy(p)].join('\n');
}

/**
 * Quartet's working rules for one attempt. Also appended to a WORKFLOW.md prompt: Quartet commits
 * what the agent leaves (the agent cannot commit in a linked worktree) and needs the final message.
 */
export function attemptPolicy(p: Omit<PromptInput, 'prompt'>): string {
  return [
    `You are attempt ${p.index} of ${p.attempts} at the task "${p.title.trim()}", working in your own git worktree`,
    `${p.worktree} on branch ${p.branch}. Other attempts work on the same task in parallel; a person picks the best result.`,
    '- Work only inside this worktree. Do not change files anywhere else.',
    "- Run the project's checks (tests, linters, type checks) and fix what fails before you finish.",
    '- Do not run `git commit` or `git push`: Quartet commits your work on this branch when you finish.',
    '- End with a final message whose first line is a clear commit subject (at most 72 characters), then a blank',
    '  line and a short summary of what you changed and how you verified it.',
  ].join('\n');
}

/** Subject + body from the agent's final message; falls back to the task title. */
export function commitMessage(finalMessage: string | null, title: string, attemptId: string): string {
  const lines = (finalMessage ?? '').replace(/\r/g, '').split('\n');
  const first = (lines.find((l) => l.trim()) ?? '').replace(/^[#>*\-\s`]+|[`*\s]+$/g, '').trim();
  const subject = (first || `Quartet: ${title.trim()}`).slice(0, 72);
  const rest = first
    ? lines
        .slice(lines.findIndex((l) => l.trim()) + 1)
        .join('\n')
        .trim()
    : '';
  return `${subject}\n\n${rest ? `${rest}\n\n` : ''}Quartet-Attempt: ${attemptId}\n`;
}
