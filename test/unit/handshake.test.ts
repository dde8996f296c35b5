// Unit: the client/supervisor handshake — use, replace, keep with a warning, refuse; what counts as busy; who may mark a supervisor outdated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideHandshake,
  LEGACY_API_VERSION,
  UPDATED_WARNING,
  type FoundSupervisor,
} from '../../src/core/client/handshake';
import {
  API_VERSION,
  currentBuild,
  isNewerBuild,
  stampFromHeaders,
  stampHeaders,
} from '../../src/core/contract/buildStamp';
import type { BuildStamp, BusyReport } from '../../src/core/contract/hello';
import { busyReport, describeBusy, IDLE, isBusy } from '../../src/core/contract/busy';
import { SupervisorIdentity } from '../../src/core/supervisor/supervisorIdentity';
import type { Phase, Snapshot } from '../../src/shared/model';

const OLD: BuildStamp = { apiVersion: API_VERSION, buildId: '0.1.0+aaaaaaaaaaaa', builtAt: '2026-01-01T00:00:00.000Z' };
const NEW: BuildStamp = { apiVersion: API_VERSION, buildId: '0.1.1+bbbbbbbbbbbb', builtAt: '2026-02-01T00:00:00.000Z' };
const RUNNING: BusyReport = { ...IDLE, attempts: 2 };

const found = (stamp: BuildStamp | null, busy: BusyReport = IDLE): FoundSupervisor => ({ stamp, pid: 4242, busy });

test('the same build is used as it is, busy or not', () => {
  assert.deepEqual(decideHandshake(NEW, found(NEW)), { action: 'use', note: null });
  assert.deepEqual(decideHandshake(NEW, found(NEW, RUNNING)), { action: 'use', note: null });
});

test('an older build with nothing running is replaced at once', () => {
  const d = decideHandshake(NEW, found(OLD));
  assert.equal(d.action, 'replace');
  // …whatever its API: nothing is running that an incompatible client could mishandle.
  assert.equal(decideHandshake(NEW, found({ ...OLD, apiVersion: API_VERSION - 1 })).action, 'replace');
});

test('an older build that runs attempts, same API: kept, with the warning the tree and the CLI show', () => {
  const d = decideHandshake(NEW, found(OLD, RUNNING));
  assert.equal(d.action, 'keep');
  assert.ok(d.action === 'keep' && d.warning.startsWith(UPDATED_WARNING), d.action === 'keep' ? d.warning : '');
  assert.match(d.action === 'keep' ? d.warning : '', /2 attempts running/);
});

test('an older build that is busy and speaks another API: refused with what to do, never used', () => {
  const d = decideHandshake(NEW, found({ ...OLD, apiVersion: API_VERSION + 1 }, { ...IDLE, lands: 1 }));
  assert.equal(d.action, 'refuse');
  const message = d.action === 'refuse' ? d.message : '';
  assert.match(message, /Quartet was updated/);
  assert.match(message, /pid 4242/);
  assert.match(message, /a land in progress/);
  assert.match(message, /quartet supervisor stop/, 'names the way out');
});

test('a newer supervisor is never replaced by an older client (two builds would replace each other in turn)', () => {
  const idle = decideHandshake(OLD, found(NEW));
  assert.equal(idle.action, 'use');
  assert.match(idle.action === 'use' ? (idle.note ?? '') : '', /reload the window or update the CLI/);
  const other = decideHandshake(OLD, found({ ...NEW, apiVersion: API_VERSION + 1 }));
  assert.equal(other.action, 'refuse', 'another API: refused even when idle');
  assert.match(other.action === 'refuse' ? other.message : '', /Reload Window/);
});

test('a supervisor from before the handshake (no hello) counts as an older build of API 1', () => {
  assert.equal(decideHandshake(NEW, found(null)).action, 'replace');
  assert.equal(
    decideHandshake(NEW, found(null, RUNNING)).action,
    LEGACY_API_VERSION === API_VERSION ? 'keep' : 'refuse',
  );
  assert.equal(decideHandshake({ ...NEW, apiVersion: LEGACY_API_VERSION + 1 }, found(null, RUNNING)).action, 'refuse');
});

test('busy: attempts queued or running, lands, checks, retries, in-memory work and the Autopilot; ended work is not', () => {
  const a = (phase: Phase, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    phase,
    checks: null,
    nextRetryAt: null,
    ...over,
  });
  const snap = (attempts: Record<string, unknown>[], over: Record<string, unknown> = {}): Snapshot =>
    ({ tasks: [{ landing: null, attempts, ...over }] }) as unknown as Snapshot;
  assert.equal(isBusy(busyReport(snap([a('finished'), a('failed'), a('stopped'), a('interrupted')]))), false);
  assert.equal(busyReport(snap([a('queued'), a('working'), a('needs-you'), a('finished')])).attempts, 3);
  assert.equal(busyReport(snap([a('finished', { checks: { state: 'running' } })])).checks, 1);
  assert.equal(
    busyReport(snap([a('failed', { nextRetryAt: '2026-01-01T00:00:00.000Z' })])).retries,
    1,
    'a snapshot shows a scheduled retry',
  );
  assert.equal(busyReport(snap([a('finished')], { landing: { status: 'running' } })).lands, 1);
  assert.equal(busyReport(snap([a('finished')], { landing: { status: 'landed' } })).lands, 0);
  const memory = busyReport(snap([]), { verdicts: 1, retries: 0, requests: 2, autopilot: true });
  assert.deepEqual(memory, { ...IDLE, verdicts: 1, requests: 2, autopilot: true });
  assert.equal(describeBusy(memory), 'a verdict being judged, 2 requests in progress, the Autopilot');
  assert.equal(describeBusy(IDLE), '');
});

test('build headers round-trip; a client without them is no build at all', () => {
  assert.deepEqual(stampFromHeaders(stampHeaders(NEW)), NEW);
  assert.equal(stampFromHeaders({}), null);
  assert.equal(stampFromHeaders({ ...stampHeaders(NEW), 'x-quartet-api-version': 'two' }), null);
  assert.equal(isNewerBuild(NEW, OLD), true);
  assert.equal(isNewerBuild(OLD, NEW), false);
  assert.equal(
    isNewerBuild({ ...NEW, builtAt: '2030-01-01T00:00:00.000Z' }, NEW),
    false,
    'the same sources rebuilt later are the same build',
  );
  assert.equal(currentBuild().apiVersion, API_VERSION);
});

test('only a newer client marks the supervisor outdated, once; older and same-build clients do not', () => {
  const marks: BuildStamp[] = [];
  const id = new SupervisorIdentity((by) => marks.push(by), NEW);
  id.observe(stampHeaders(OLD));
  id.observe(stampHeaders(NEW));
  id.observe({});
  assert.equal(id.restartPending, null);
  assert.equal(id.hello(IDLE).idle, true);
  const newer = { ...NEW, buildId: '0.1.2+cccccccccccc', builtAt: '2026-03-01T00:00:00.000Z' };
  id.observe(stampHeaders(newer));
  id.observe(stampHeaders(newer));
  assert.deepEqual(marks, [newer], 'told once');
  const hello = id.hello(RUNNING);
  assert.deepEqual(hello.restartPending, newer);
  assert.equal(hello.attemptsRunning, true);
  assert.equal(hello.idle, false);
  assert.equal(hello.buildId, NEW.buildId);
  assert.equal(id.info('/s.sock', '/repo').buildId, NEW.buildId, 'supervisor.json states the build');
});
