// Which files of an attempt's change are tests: by the conventions of the common runners, from git's own diff.

import { git } from '../git/git';

const TEST_PATH = [
  /(^|\/)(test|tests|__tests__|spec|specs)\//,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /(^|\/)test_[^/]+\.py$/,
  /_test\.(py|go)$/,
  /(^|\/)(test|tests)\.[cm]?[jt]s$/,
];

/** True for a path that a test runner of the usual kinds would pick up as a test file. */
export function isTestPath(path: string): boolean {
  return TEST_PATH.some((re) => re.test(path)) && !/(^|\/)fixtures?\//.test(path);
}

/** Test files `commit` added or changed since it left `base` (three-dot: the base's own later commits do not count). */
export async function changedTestFiles(repo: string, base: string, commit: string): Promise<string[]> {
  const out = await git(repo, ['diff', '--name-only', '--no-renames', '--diff-filter=AM', `${base}...${commit}`, '--']);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && isTestPath(l))
    .sort();
}
