// Preload (`NODE_OPTIONS=--require …/cpuProfile.js`) that writes a V8 CPU profile at exit: `--cpu-prof` itself is refused in NODE_OPTIONS.

import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const dir = process.env.QUARTET_CPU_PROF_DIR;
const script = basename(process.argv[1] ?? '');
// Only Quartet's own processes: the Codex launcher and the sessions' shells inherit the same environment.
if (dir && (script === 'supervisor.js' || script === 'scaleClient.js')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-process session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (err, res) => {
      if (!err)
        writeFileSync(
          join(dir, `${script.replace(/\.js$/, '')}.${process.pid}.cpuprofile`),
          JSON.stringify(res.profile),
        );
    });
  });
}
