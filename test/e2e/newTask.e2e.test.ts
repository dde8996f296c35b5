// E2E in real VS Code: the Tasks view's "+" opens the New Task form; a multi-line prompt launches whole; follow-up messages reach the model.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import {
  keepServerLogs,
  launchBrowser,
  openWorkbench,
  screenshot,
  startCodeServer,
  type BrowserSession,
  type CodeServer,
} from '../support/codeServer';
import { startDemoEnv, type DemoEnv } from '../support/demoEnv';
import { DIST } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import type { AgentEvent, JournalRecord } from '../../src/shared/events';
import type { TaskSnapshot } from '../../src/shared/model';

const ui = 60_000;
const panelOf = (page: Page): FrameLocator =>
  page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');

const PROMPT = [
  '# Greet in Portuguese',
  '',
  'Add a note that says **olá**.',
  '',
  '- keep it short',
  '- no other changes',
].join('\n');
const FOLLOW_UP = 'Please also mention Lisbon in the note.\nA second line the quote leaves out.';
const ALL = 'Thanks, one more pass from everyone.';

const events = (records: JournalRecord[]): AgentEvent[] =>
  records.flatMap((r) => (r.kind === 'event' ? [r.event] : []));
const turnStarts = (records: JournalRecord[]): string[] =>
  records.flatMap((r) =>
    r.kind === 'raw' && r.dir === 'out' && (r.msg as { method?: string }).method === 'turn/start'
      ? [JSON.stringify(r.msg)]
      : [],
  );

describe('New Task form and follow-up messages in real VS Code', { timeout: 600_000 }, () => {
  let demo: DemoEnv;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  let client: SupervisorClient | undefined;
  let task: TaskSnapshot | undefined;

  before(
    async () => {
      demo = await startDemoEnv();
      server = await startCodeServer({
        folder: demo.repo,
        env: demo.env,
        settings: {
          'quartet.worktreeRoot': demo.worktreeRoot,
          'quartet.attempts': 2,
          'git.openRepositoryInParentFolders': 'never',
        },
      });
      browser = await launchBrowser();
      await openWorkbench(browser.page, server.url, demo.repo);
      client = await SupervisorClient.connect({
        repo: demo.repo,
        supervisorEntry: join(DIST, 'supervisor.js'),
        env: { ...process.env, ...demo.env } as Record<string, string>,
      });
    },
    { timeout: 180_000 },
  );

  after(async () => {
    if (server) keepServerLogs(server, 'newtask');
    client?.close();
    await browser?.close();
    await server?.stop();
    await demo?.cleanup();
  });

  async function finished(taskId: string, followUps: number): Promise<TaskSnapshot> {
    const end = Date.now() + 240_000;
    for (;;) {
      const t = (await client!.snapshot()).tasks.find((x) => x.id === taskId);
      if (
        t?.attempts.every(
          (a) =>
            a.phase === 'finished' &&
            a.followUps.length >= followUps &&
            a.followUps.every((f) => f.outcome !== 'running'),
        )
      )
        return t;
      if (Date.now() > end)
        throw new Error(`attempts did not finish: ${JSON.stringify(t?.attempts.map((a) => [a.phase, a.followUps]))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('"+" opens the form; a multi-line Markdown prompt with overrides launches on Ctrl+Enter and reaches every attempt whole', async () => {
    const page = browser!.page;
    try {
      await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
      const plus = page.locator('.part.sidebar a.action-label[aria-label="New Task"]');
      await plus.first().waitFor({ timeout: ui });
      await plus.first().click();
      const panel = panelOf(page);
      await panel.locator('[data-testid="new-task-form"]').waitFor({ timeout: ui });
      await panel.locator('[data-testid="new-task-prompt"] textarea').fill(PROMPT);
      await panel.locator('[data-testid="new-task-model"] input').fill('gpt-5.5');
      await panel.locator('[data-testid="new-task-budget"] input').fill('500000');
      // The title follows the prompt's first line (without the heading mark) until it is edited.
      assert.equal(await panel.locator('[data-testid="new-task-title"] input').inputValue(), 'Greet in Portuguese');
      await screenshot(page, 'newtask-form');
      await panel.locator('[data-testid="new-task-prompt"] textarea').press('Control+Enter');
      await panel.locator('[data-testid="board"]').waitFor({ timeout: 120_000 });
      await page
        .locator('.part.sidebar .monaco-list-row', { hasText: 'Greet in Portuguese' })
        .first()
        .waitFor({ timeout: ui });

      task = (await client!.snapshot()).tasks.find((t) => t.title === 'Greet in Portuguese');
      assert.ok(task, 'the task exists under the derived title');
      assert.equal(task.prompt, PROMPT, 'the prompt is stored whole, line breaks and Markdown included');
      assert.equal(task.attempts.length, 2, 'the default attempt count (quartet.attempts: 2)');
      task = await finished(task.id, 0);
      for (const a of task.attempts) {
        const records = await client!.journal(a.id);
        const first = turnStarts(records)[0] ?? '';
        assert.ok(
          first.includes(JSON.stringify(PROMPT).slice(1, -1)),
          `attempt ${a.index} got the whole prompt: ${first.slice(0, 400)}`,
        );
        const origin = events(records).flatMap((e) => (e.type === 'phase' && e.origin ? [e.origin] : []))[0];
        assert.equal(origin?.options.model, 'gpt-5.5', 'the model override reached the launch');
        assert.equal(origin?.options.tokenBudget, 500_000, 'the token budget override reached the launch');
      }
      await screenshot(page, 'newtask-launched');
    } catch (err) {
      await screenshot(page, 'newtask-FAILED').catch(() => undefined);
      throw err;
    }
  });

  it('a message from the attempt view is a follow-up turn: "you said" in the trace, and the demo model quotes it', async () => {
    const page = browser!.page;
    try {
      assert.ok(task, 'the first test launched the task');
      const panel = panelOf(page);
      const one = task.attempts[0]!;
      await panel.locator(`[data-testid="card-${one.id}"] .card-title`).click();
      await panel.locator('[data-testid="attempt-view"]').waitFor({ timeout: ui });
      await panel.locator('[data-testid="attempt-message-text"] textarea').fill(FOLLOW_UP);
      await panel.locator('[data-testid="attempt-message-text"] textarea').press('Control+Enter');
      await panel
        .locator('.trace-row.kind-userMessage', { hasText: 'you said: Please also mention Lisbon' })
        .first()
        .waitFor({ timeout: ui });
      // The reply: the log summary's final message (the trace below is virtualized, its last rows may be off screen).
      await panel
        .locator('[data-testid="final-message"]', {
          hasText: 'Follow-up received: "Please also mention Lisbon in the note."',
        })
        .waitFor({ timeout: 180_000 });
      await screenshot(page, 'newtask-followup-trace');
      const done = await finished(task.id, 0);
      const after = done.attempts.find((a) => a.id === one.id)!;
      assert.deepEqual(
        after.followUps.map((f) => [f.reason, f.outcome]),
        [['user-message', 'completed']],
      );
      assert.deepEqual(after.threadIds, one.threadIds, 'the same thread');
      const said = events(await client!.journal(one.id)).flatMap((e) => (e.type === 'agent_message' ? [e.text] : []));
      assert.match(said.at(-1) ?? '', /Follow-up received: "Please also mention Lisbon in the note\."/);
      assert.doesNotMatch(
        said.at(-1) ?? '',
        /second line/,
        'only the first line is quoted: the message reached the model as sent',
      );
    } catch (err) {
      await screenshot(page, 'newtask-followup-FAILED').catch(() => undefined);
      throw err;
    }
  });

  it('"Message all" on the board sends one follow-up to every ended attempt of the task', async () => {
    const page = browser!.page;
    try {
      assert.ok(task, 'the first test launched the task');
      const panel = panelOf(page);
      await panel.locator('[data-testid="tab-board"]').click();
      await panel.locator(`[data-testid="message-all-${task.id}"]`).click();
      const box = panel.locator(`[data-testid="task-message-${task.id}-text"] textarea`);
      await box.fill(ALL);
      await panel.locator(`[data-testid="task-message-${task.id}-send"]`).click();
      await screenshot(page, 'newtask-message-all');
      const done = await finished(task.id, 1);
      for (const a of done.attempts) {
        assert.equal(a.followUps.at(-1)?.outcome, 'completed', `attempt ${a.index}: ${JSON.stringify(a.followUps)}`);
        const evs = events(await client!.journal(a.id));
        assert.ok(
          evs.some((e) => e.type === 'user_message' && e.text === ALL && e.reason === 'user-message'),
          `attempt ${a.index} journaled the message`,
        );
        assert.match(
          evs.flatMap((e) => (e.type === 'agent_message' ? [e.text] : [])).at(-1) ?? '',
          /Follow-up received: "Thanks, one more pass from everyone\."/,
        );
      }
    } catch (err) {
      await screenshot(page, 'newtask-message-all-FAILED').catch(() => undefined);
      throw err;
    }
  });
});
