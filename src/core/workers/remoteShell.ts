// The ONE place that turns words, remote paths and host names into what ssh sends to a worker's POSIX shell.

/** A value that cannot be sent to a worker safely (a NUL byte, a host that would read as an ssh option…). */
export class RemoteQuotingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteQuotingError';
  }
}

/**
 * One shell word for the worker's login shell (sh, bash, dash, zsh): single quotes, each `'` as `'\''`.
 * Inside single quotes nothing is special — `$`, backticks, `;`, newlines, unicode all stay literal —
 * so this is the only rule needed. NUL cannot travel in an argument at all.
 */
export function shellWord(value: string): string {
  if (value.includes('\0')) throw new RemoteQuotingError('a NUL byte cannot be part of a remote command');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line for the remote shell: every word quoted, none left for the shell to split or expand. */
export function remoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new RemoteQuotingError('an empty remote command');
  return argv.map(shellWord).join(' ');
}

/**
 * A path on the worker as a shell word. `~` and `~/rest` mean the login user's home there (not here),
 * so they become `"$HOME"` followed by the quoted rest; every other path must be absolute — a relative
 * path would depend on the remote shell's cwd, and one starting with `-` would read as an option.
 */
export function remotePathWord(path: string): string {
  if (path.includes('\0')) throw new RemoteQuotingError('a NUL byte cannot be part of a remote path');
  if (path === '~') return '"$HOME"';
  if (path.startsWith('~/')) {
    const rest = path.slice(2);
    return rest ? `"$HOME"/${shellWord(rest)}` : '"$HOME"/';
  }
  if (!path.startsWith('/')) {
    throw new RemoteQuotingError(
      `remote path ${JSON.stringify(path)} must be absolute or start with ~/ (the worker's home)`,
    );
  }
  return shellWord(path);
}

/** `dir` joined with one name (no `/`, not `.`/`..`): a child of a remote path, still one shell word. */
export function remoteChild(dir: string, name: string): string {
  if (!name || name === '.' || name === '..' || name.includes('/')) {
    throw new RemoteQuotingError(`${JSON.stringify(name)} is not a single file name`);
  }
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * Why `host` cannot be an ssh destination, or null. It goes to ssh as an argument after `--`, but a
 * leading `-` is refused anyway (it reads as an option in any tool that forgets the `--`), and so is
 * whitespace or a control character: ssh would split or misread it, and it could never be in ssh_config.
 */
export function invalidHost(host: string): string | null {
  if (!host.trim()) return 'the host is empty';
  if (host.startsWith('-')) return `host ${JSON.stringify(host)} starts with "-" (ssh would read it as an option)`;
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(host)) return `host ${JSON.stringify(host)} contains whitespace or a control character`;
  return null;
}
