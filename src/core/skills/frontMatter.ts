// Strict parsing of a SKILL.md: YAML front matter with a valid `name` and a `description`, then the body.

import { parseDocument } from 'yaml';

/** Codex accepts looser names; Quartet keeps them to what fits a folder, a flag and a `$mention`. */
export const SKILL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 1024;

export interface SkillFrontMatter {
  name: string;
  description: string;
  body: string;
}

export type ParsedSkill = { ok: true; skill: SkillFrontMatter } | { ok: false; message: string };

/** `---` on the first line, YAML, `---` on a line of its own, then the body (CRLF tolerated). */
const FENCED = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses one SKILL.md. When `folder` is given the name must equal it: Codex keys a skill by its
 * front matter but people find it by its folder, and two different answers confuse both.
 */
export function parseSkillMarkdown(text: string, folder?: string): ParsedSkill {
  const fenced = FENCED.exec(text.replace(/^\uFEFF/, ''));
  if (!fenced) return { ok: false, message: 'missing YAML front matter between --- lines' };
  const doc = parseDocument(fenced[1] ?? '', { uniqueKeys: true, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) return { ok: false, message: `invalid YAML front matter: ${yamlError.message.split('\n')[0]}` };
  const data: unknown = doc.toJS();
  if (!isRecord(data)) return { ok: false, message: 'front matter must be a YAML mapping' };

  const { name, description } = data;
  if (typeof name !== 'string' || !name) return { ok: false, message: 'front matter has no `name`' };
  if (!SKILL_NAME.test(name) || name.length > MAX_NAME) {
    return {
      ok: false,
      message: `name "${name}" must be lowercase letters, digits and single dashes (at most ${MAX_NAME})`,
    };
  }
  if (folder !== undefined && folder !== name)
    return { ok: false, message: `name "${name}" differs from its folder "${folder}"` };
  if (typeof description !== 'string' || !description.trim())
    return { ok: false, message: 'front matter has no `description`' };
  if (description.length > MAX_DESCRIPTION)
    return { ok: false, message: `description is longer than ${MAX_DESCRIPTION} characters` };
  return { ok: true, skill: { name, description: description.trim(), body: fenced[2] ?? '' } };
}
