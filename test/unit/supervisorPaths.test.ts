// Unit: the supervisor socket lives only in a real folder owned by the user with mode 0700; anything else is passed over, with a note.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chooseSocket,
  socketCandidates,
  socketDirProblem,
  type SocketCandidate,
} from '../../src/core/git/supervisorPaths';

function scratch(t: { after: (fn: () => void) => void }): string {
  const base = mkdtempSync(join(tmpdir(), 'qsock-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return base;
}
const candidate = (dir: string): SocketCandidate => ({ dir, socket: join(dir, 's.sock'), created: [dir] });
const uid = typeof process.getuid === 'function' ? process.getuid() : 0;

test('a missing folder is created with mode 0700 and used', (t) => {
  const base = scratch(t);
  const r = chooseSocket([candidate(join(base, 'fresh'))]);
  assert.equal(r.socket, join(base, 'fresh', 's.sock'));
  assert.deepEqual(r.notes, []);
  assert.equal(lstatSync(join(base, 'fresh')).mode & 0o777, 0o700);
});

test('a folder that is a symbolic link is passed over for the next, and the log note says why', (t) => {
  const base = scratch(t);
  mkdirSync(join(base, 'real'), { mode: 0o700 });
  symlinkSync(join(base, 'real'), join(base, 'link'));
  const r = chooseSocket([candidate(join(base, 'link')), candidate(join(base, 'next'))]);
  assert.equal(r.socket, join(base, 'next', 's.sock'));
  assert.match(r.notes.join('\n'), /not using .*link for the socket: .*is a symbolic link/);
});

test('a folder with mode 0755 is passed over, and is not tightened behind the user’s back', (t) => {
  const base = scratch(t);
  mkdirSync(join(base, 'loose'));
  chmodSync(join(base, 'loose'), 0o755);
  const r = chooseSocket([candidate(join(base, 'loose')), candidate(join(base, 'next'))]);
  assert.equal(r.socket, join(base, 'next', 's.sock'));
  assert.match(r.notes[0] ?? '', /has mode 755, not 700/);
  assert.equal(lstatSync(join(base, 'loose')).mode & 0o777, 0o755);
});

test('a folder owned by someone else is refused', (t) => {
  const base = scratch(t);
  mkdirSync(join(base, 'theirs'), { mode: 0o700 });
  assert.match(socketDirProblem(join(base, 'theirs'), uid + 1) ?? '', /owned by uid \d+, not \d+/);
  assert.equal(socketDirProblem(join(base, 'theirs'), uid), null);
});

test('a planted parent (/tmp/quartet-<uid> as a link) is refused even when the final folder looks right', (t) => {
  const base = scratch(t);
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(join(elsewhere, 'quartet'), { recursive: true, mode: 0o700 });
  chmodSync(elsewhere, 0o700);
  symlinkSync(elsewhere, join(base, 'quartet-x'));
  const planted: SocketCandidate = {
    dir: join(base, 'quartet-x', 'quartet'),
    socket: join(base, 'quartet-x', 'quartet', 's.sock'),
    created: [join(base, 'quartet-x'), join(base, 'quartet-x', 'quartet')],
  };
  assert.throws(
    () => chooseSocket([planted]),
    /no safe folder for the supervisor socket.*quartet-x is a symbolic link/,
  );
});

test('candidates: the state folder first, the runtime folder, ~/.quartet/run, then /tmp/quartet-<uid>/quartet', () => {
  const c = socketCandidates('/repo/.git/quartet', { XDG_RUNTIME_DIR: '/run/user/7' }, 7);
  assert.equal(c[0]?.socket, '/repo/.git/quartet/supervisor.sock');
  assert.match(c[1]?.socket ?? '', /^\/run\/user\/7\/quartet\/[0-9a-f]{16}\.sock$/);
  assert.match(c[2]?.dir ?? '', /\.quartet\/run$/);
  assert.match(c[3]?.dir ?? '', /quartet-7\/quartet$/);
  assert.equal(c[3]?.created.length, 2);
});
