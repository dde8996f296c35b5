// What the agent is told in a "Resolve with agent" follow-up turn, and how Quartet recognizes leftover conflict markers.

/** First line of the prompt; the demo model keys on it too, so the product prompt needs no test marker. */
export const RESOLVE_HEADING = 'Resolve the merge conflicts in:';

export interface ResolvePromptInput {
  files: string[];
  baseRef: string;
  baseCommit: string;
  branch: string;
  checkCommand: string | null;
}

export function resolvePrompt(p: ResolvePromptInput): string {
  const checks = p.checkCommand
    ? `Then run the checks (\`${p.checkCommand}\`) and fix anything the merge broke.`
    : "Then run the project's checks and fix anything the merge broke.";
  return [
    RESOLVE_HEADING,
    ...p.files.map((f) => `- ${f}`),
    '',
    `To land your work, Quartet merged \`${p.baseRef}\` (${p.baseCommit.slice(0, 8)}) into your branch \`${p.branch}\`, and the files above`,
    `conflict: they contain conflict markers (<<<<<<<, =======, >>>>>>>) between your version (HEAD) and the version on ${p.baseRef}.`,
    '',
    `Edit each file so that no conflict marker remains and both intents are kept: your change and the change made on ${p.baseRef}.`,
    'Leave everything else as it is. Do not run git commands that write (git add, git commit, git merge, git checkout, git reset):',
    'Quartet stages and commits the merge once no markers are left.',
    checks,
    'End with a short final message: one line saying how you resolved the conflicts.',
  ].join('\n');
}

/** Git's conflict-marker lines; the `=======` separator alone is too common in text (setext headings) to count. */
const MARKER = /^(<{7}|>{7})(?: |$)/;

/** 1-based numbers of the lines of `text` that are conflict markers. */
export function markerLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (MARKER.test(line.replace(/\r$/, ''))) out.push(i + 1);
  });
  return out;
}

/** The merge commit's message: the base it merged and which files the agent resolved. */
export function resolveCommitMessage(baseRef: string, branch: string, files: string[], attemptId: string): string {
  return `Merge ${baseRef} into ${branch}\n\nConflicts resolved by Codex in a follow-up turn (Quartet: Resolve with agent):\n${files.map((f) => `- ${f}`).join('\n')}\n\nQuartet-Attempt: ${attemptId}\n`;
}
