// Parses an approval's command into plain argv (shell wrapper removed) and matches the user's allow-list of command prefixes.

/**
 * Characters that make a shell do more than run one program with literal arguments (chaining,
 * redirection, substitution, globbing, expansion, comments). Any of them unquoted means "not plain".
 */
const UNQUOTED_META = new Set([
  ';',
  '&',
  '|',
  '<',
  '>',
  '(',
  ')',
  '$',
  '`',
  '\n',
  '\r',
  '*',
  '?',
  '[',
  ']',
  '{',
  '}',
  '~',
  '#',
  '!',
]);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash']);
const SHELL_FLAGS = new Set(['-c', '-lc']);

/**
 * Splits `text` the way a POSIX shell splits a simple command, or returns null when the text is
 * anything but a simple command with literal words: then no allow-list entry can match it.
 */
export function plainArgv(text: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      word += text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const c = text[j] as string;
        if (c === '$' || c === '`') return null;
        if (c === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1] as string)) word += text[++j];
        else if (c === '\\' && text[j + 1] === '\n') j++;
        else word += c;
      }
      if (j >= text.length) return null;
      i = j;
    } else if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined || next === '\n') return null;
      word += next;
      i++;
    } else if (UNQUOTED_META.has(ch)) {
      return null;
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  // `FOO=bar cmd` runs cmd with a changed environment (PATH, LD_PRELOAD…): not the command the prefix names.
  if (words.length === 0 || (words[0] as string).includes('=')) return null;
  return words;
}

/** `[/bin/bash, -lc, script]` → the script's argv; any other argv as is. Null when the script is not plain. */
export function unwrapShell(argv: readonly string[]): string[] | null {
  const base = (argv[0] ?? '').split('/').pop() ?? '';
  if (SHELLS.has(base)) {
    if (argv.length !== 3 || !SHELL_FLAGS.has(argv[1] as string)) return null;
    return plainArgv(argv[2] as string);
  }
  return argv.length ? [...argv] : null;
}

/** The argv a command approval would run: Codex sends one joined string (v2) or an argv array (legacy v1). */
export function commandArgv(command: string | readonly string[]): string[] | null {
  const outer = typeof command === 'string' ? plainArgv(command) : [...command];
  return outer ? unwrapShell(outer) : null;
}

/** The allow-list entries that are usable prefixes (plain words); the rest can never match. */
export function parsePrefixes(prefixes: readonly string[]): string[][] {
  return prefixes.map((p) => plainArgv(p.trim())).filter((p): p is string[] => p !== null && p.length > 0);
}

/** The allow-list entry `command` starts with, word for word, or null. */
export function allowedPrefix(command: string | readonly string[], prefixes: readonly string[]): string | null {
  const argv = commandArgv(command);
  if (!argv) return null;
  const hit = parsePrefixes(prefixes).find((p) => p.length <= argv.length && p.every((w, i) => argv[i] === w));
  return hit ? hit.join(' ') : null;
}
