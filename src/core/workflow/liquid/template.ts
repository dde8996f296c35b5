// The template engine's front door: compile once (parse errors early), render strictly, and inspect what a template uses.

import type { Condition, Output, Value } from './expression';
import { FILTERS } from './filters';
import { parseTemplate, type Node } from './parser';
import { renderTemplate } from './render';

export interface CompiledTemplate {
  source: string;
  nodes: Node[];
}

/** Throws a `template_parse_error` WorkflowError for bad syntax or an unknown tag; `firstLine` numbers lines in errors. */
export function compileTemplate(source: string, firstLine = 1): CompiledTemplate {
  return { source, nodes: parseTemplate(source, firstLine) };
}

/** Throws a `template_render_error` WorkflowError for an unknown variable or filter, or a bad filter argument. */
export function renderCompiled(template: CompiledTemplate, variables: Record<string, unknown>): string {
  return renderTemplate(template.nodes, variables);
}

export interface TemplateUsage {
  /** Variable paths read outside loops' own names, e.g. `issue.identifier`, `attempt`. */
  variables: string[];
  /** Filters the engine does not know, with the line that uses them. */
  unknownFilters: { name: string; line: number }[];
}

/** Static walk: which variables a template reads and which filters would fail — for `quartet workflow validate`. */
export function templateUsage(template: CompiledTemplate): TemplateUsage {
  const variables = new Set<string>();
  const unknownFilters: { name: string; line: number }[] = [];
  const locals: string[] = [];
  const value = (v: Value): void => {
    if (v.kind === 'range') return (value(v.from), value(v.to));
    if (v.kind !== 'var') return;
    if (!locals.includes(v.root)) variables.add(v.text);
    for (const seg of v.path) if (typeof seg !== 'string') value(seg);
  };
  const output = (o: Output, line: number): void => {
    value(o.value);
    for (const f of o.filters) {
      if (!FILTERS[f.name]) unknownFilters.push({ name: f.name, line });
      f.args.forEach(value);
    }
  };
  const cond = (c: Condition): void => {
    if (c.kind === 'logic') return (cond(c.left), cond(c.right));
    value(c.left);
    if (c.right) value(c.right);
  };
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.kind === 'output') output(n.output, n.line);
      else if (n.kind === 'assign') {
        output(n.output, n.line);
        locals.push(n.name);
      } else if (n.kind === 'if') {
        for (const b of n.branches) {
          cond(b.cond);
          walk(b.body);
        }
        walk(n.otherwise);
      } else if (n.kind === 'for') {
        value(n.collection);
        locals.push(n.variable, 'forloop');
        walk(n.body);
        locals.splice(-2, 2);
        walk(n.otherwise);
      }
    }
  };
  walk(template.nodes);
  return { variables: [...variables], unknownFilters };
}
