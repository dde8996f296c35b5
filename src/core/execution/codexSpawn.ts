// How a Codex app-server process is started: here, or on a worker host over ssh (src/core/workers/remoteSpawn.ts); one protocol path either way.

/** The process this machine starts for one app-server: Codex itself, or the ssh client that carries its stdio. */
export interface SpawnSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Starting Codex somewhere else. The JSON-RPC client and the runner stay the same; only what is
 * exec'd here, where the worktree is as Codex sees it, and how the far side's processes end differ.
 */
export interface CodexSpawn {
  /** Where the worker host runs it ("user@build-1"): for messages. */
  readonly host: string;
  /** The worktree as Codex sees it (a path on the host): the thread's cwd. */
  readonly worktree: string;
  /** The local process for `argv` run in the worktree there with `env` (only what is named travels). */
  spawn(argv: readonly string[], env: Record<string, string>): SpawnSpec;
  /** Ends the app-server's process group on the host; never throws (the host may be gone). */
  killRemote(): Promise<void>;
}
