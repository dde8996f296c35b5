// The tests' one wait for a state: poll a condition until it holds, or fail naming what never happened.

/**
 * Resolves once `ok()` holds; rejects after `timeoutMs`. Polls every 5 ms at first (in-memory state settles in
 * milliseconds), backing off to 100 ms (long waits scan processes or files while real Codex runs). `ok` may be
 * async (a request to a supervisor); the next poll starts only after it answered.
 */
export async function waitUntil(
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'the condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let intervalMs = 5; !(await ok()); intervalMs = Math.min(100, intervalMs * 2)) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
