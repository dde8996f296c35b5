// Unit: strict Liquid (liquidjs) for prompts — output, filters, if/elsif/else/unless, for + forloop, whitespace control, raw, comments, errors, sandboxing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, renderCompiled, templateUsage } from '../../src/core/workflow/template';
import { WorkflowError } from '../../src/core/workflow/errors';

const issue = {
  identifier: 'ABC-12',
  title: 'Fix the login form',
  description: 'The submit button does nothing.',
  labels: ['bug', 'ui'],
  priority: 2,
  url: null,
  blocked_by: [
    { id: 'i1', identifier: 'ABC-1', state: 'Done' },
    { id: 'i2', identifier: 'ABC-2', state: 'Todo' },
  ],
  meta: { team: 'web' },
};

function render(src: string, vars: Record<string, unknown> = { issue, attempt: null }): string {
  return renderCompiled(compileTemplate(src), vars);
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof WorkflowError, `expected a WorkflowError, got ${String(err)}`);
    return `${err.code}: ${err.message}`;
  }
  assert.fail('expected an error');
}

test('outputs variables, nested paths, indexes and special properties', () => {
  assert.equal(render('{{ issue.identifier }}: {{issue.title}}'), 'ABC-12: Fix the login form');
  assert.equal(
    render(
      '{{ issue.blocked_by[1].identifier }} {{ issue.labels.size }} {{ issue.labels.first }} {{ issue.labels.last }}',
    ),
    'ABC-2 2 bug ui',
  );
  assert.equal(render('{{ issue.meta["team"] }} {{ issue.labels[-1] }} {{ issue.labels[9] }}|'), 'web ui |');
  assert.equal(render('{{ "lit" }} {{ 42 }} {{ true }} {{ nil }}|'), 'lit 42 true |');
});

test('lists render like Liquid (items concatenated); join makes them readable', () => {
  assert.equal(render('{{ issue.labels }}'), 'bugui');
  assert.equal(render('{{ issue.labels | join: ", " }}'), 'bug, ui');
  assert.equal(render('{{ issue.blocked_by | map: "identifier" | join: ", " }}'), 'ABC-1, ABC-2');
});

test('filters with arguments', () => {
  const cases: [string, string][] = [
    ['{{ issue.url | default: "no url" }}', 'no url'],
    ['{{ issue.title | default: "x" }}', 'Fix the login form'],
    ['{{ issue.title | upcase }}', 'FIX THE LOGIN FORM'],
    ['{{ "MiXed" | downcase }}', 'mixed'],
    ['{{ "hello world" | capitalize }}', 'Hello world'],
    ['{{ "  pad  " | strip }}|{{ "  pad" | lstrip }}|{{ "pad  " | rstrip }}|', 'pad|pad|pad|'],
    ['{{ issue.title | truncate: 10 }}', 'Fix the...'],
    ['{{ issue.title | truncate: 8, "…" }}', 'Fix the…'],
    ['{{ issue.title | truncatewords: 2 }}', 'Fix the...'],
    ['{{ "<a href=\'x\'>&</a>" | escape }}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
    ['{{ issue.labels | size }} {{ issue.title | size }}', '2 18'],
    ['{{ "a,b,c" | split: "," | join: "-" }}', 'a-b-c'],
    ['{{ "x" | append: "y" | prepend: "w" }}', 'wxy'],
    ['{{ "a-b-a" | replace: "a", "z" }} {{ "a-b-a" | remove: "a" }}', 'z-b-z -b-'],
    ['{{ issue.priority | plus: 1 }} {{ issue.priority | minus: 3 }}', '3 -1'],
    ['{{ "b,a,b" | split: "," | uniq | sort | join }}', 'a b'],
    ['{{ "a b" | url_encode }}', 'a+b'],
  ];
  for (const [src, want] of cases) assert.equal(render(src), want, src);
});

test('if / elsif / else / unless with comparisons, contains, and/or', () => {
  const t = '{% if issue.priority == 1 %}urgent{% elsif issue.priority <= 2 %}high{% else %}low{% endif %}';
  assert.equal(render(t), 'high');
  assert.equal(render('{% if issue.labels contains "bug" and issue.title contains "login" %}y{% endif %}'), 'y');
  assert.equal(render('{% if issue.labels contains "nope" or issue.priority > 1 %}y{% else %}n{% endif %}'), 'y');
  assert.equal(
    render('{% if issue.priority != 2 %}a{% else %}b{% endif %}{% if issue.priority <> 2 %}a{% else %}b{% endif %}'),
    'bb',
  );
  assert.equal(render('{% if issue.meta contains "team" %}k{% endif %}'), 'k');
  assert.equal(render('{% unless issue.url %}no url{% else %}url{% endunless %}'), 'no url');
  assert.equal(render('{% if issue.description %}has{% endif %}{% if issue.url %}url{% endif %}'), 'has');
  assert.equal(
    render(
      '{% if "" == empty %}e{% endif %}{% if issue.url == blank %}b{% endif %}{% if issue.url == empty %}x{% endif %}',
    ),
    'eb',
  );
  // Liquid groups from the right: `a and b or c` is `a and (b or c)`.
  assert.equal(render('{% if false and false or true %}y{% else %}n{% endif %}'), 'n');
});

test('attempt: null is falsy, an integer renders; absent-by-contract variables are provided, not unknown', () => {
  const t = '{% if attempt %}retry #{{ attempt }}{% else %}first run{% endif %}';
  assert.equal(render(t, { issue, attempt: null }), 'first run');
  assert.equal(render(t, { issue, attempt: 2 }), 'retry #2');
});

test('for loops with forloop, limit, offset, reversed, ranges and else', () => {
  assert.equal(
    render(
      '{% for l in issue.labels %}{{ forloop.index }}={{ l }}{% unless forloop.last %},{% endunless %}{% endfor %}',
    ),
    '1=bug,2=ui',
  );
  assert.equal(render('{% for b in issue.blocked_by reversed %}{{ b.identifier }} {% endfor %}'), 'ABC-2 ABC-1 ');
  assert.equal(render('{% for i in (1..5) limit: 2 offset: 1 %}{{ i }}{% endfor %}'), '23');
  assert.equal(
    render('{% for x in issue.blocked_by %}{% if x.state == "Done" %}{{ x.identifier }}{% endif %}{% endfor %}'),
    'ABC-1',
  );
  assert.equal(
    render('{% for x in issue.labels %}{% else %}none{% endfor %}', { issue: { labels: [] }, attempt: null }),
    'none',
  );
  assert.equal(render('{% assign n = issue.labels | size %}{{ n }}'), '2');
});

test('whitespace control trims on the marked side only', () => {
  assert.equal(render('a  \n  {{- issue.identifier -}}  \n  b'), 'aABC-12b');
  assert.equal(render('a \n{%- if true -%}\n x \n{%- endif -%}\n b'), 'axb');
  assert.equal(render('a \n{% if true %}x{% endif %} \nb'), 'a \nx \nb');
});

test('raw keeps Liquid syntax as text; comments and inline comments vanish', () => {
  assert.equal(render('{% raw %}{{ not.a.var }} {% if %}{% endraw %}'), '{{ not.a.var }} {% if %}');
  assert.equal(
    render('a{% comment %}{{ nope }} {% bogus %}{% comment %}nested{% endcomment %}{% endcomment %}b'),
    'ab',
  );
  assert.equal(render('a{% # a note %}b'), 'ab');
});

test('strict: unknown variables and filters fail rendering with the line', () => {
  assert.match(
    code(() => render('ok\n{{ issue.nope }}')),
    /^template_render_error: unknown variable "issue\.nope" \(line 2\)/,
  );
  assert.match(
    code(() => render('{{ nobody }}')),
    /template_render_error: unknown variable "nobody"/,
  );
  assert.match(
    code(() => render('{% if issue.missing %}x{% endif %}')),
    /unknown variable "issue\.missing"/,
  );
  // liquidjs: a key of nil is nil (not an error), and extra filter arguments are ignored.
  assert.equal(render('{{ issue.url.host }}|{{ issue.title | upcase: 1 }}'), '|FIX THE LOGIN FORM');
  assert.match(
    code(() => render('{{ issue.title | shout }}')),
    /template_render_error: unknown filter "shout"/,
  );
  assert.match(
    code(() => render('{% if issue.title > 3 %}{% endif %}')),
    /cannot compare/,
  );
  // A loop variable does not leak out of its loop.
  assert.match(
    code(() => render('{% for l in issue.labels %}{% endfor %}{{ l }}')),
    /unknown variable "l"/,
  );
});

test('parse errors: unknown tags, unclosed blocks, stray tags, bad expressions', () => {
  assert.match(
    code(() => compileTemplate('{% include "x" %}')),
    /^template_parse_error: unknown tag "include"/,
  );
  // liquidjs's own words for these (the old engine's are gone), still with the line.
  assert.match(
    code(() => compileTemplate('a\n{% if x %}b')),
    /tag \{% if x %\} not closed \(line 2\)/,
  );
  assert.match(
    code(() => compileTemplate('{% endif %}')),
    /\{% endif %\} without its opening tag/,
  );
  assert.match(
    code(() => compileTemplate('{{ issue.title ')),
    /output "\{\{ issue\.title " not closed/,
  );
  assert.match(
    code(() => compileTemplate('{{ a | | upcase }}')),
    /template_parse_error: expected filter name/,
  );
  assert.match(
    code(() => compileTemplate('{% raw %}x')),
    /raw "\{% raw %\}x" not closed/,
  );
  assert.match(
    code(() => compileTemplate('{% for x %}{% endfor %}')),
    /illegal tag: \{% for x %\}/,
  );
  // An unknown filter is found when the file loads; it is reported as strict rendering always reported it.
  assert.match(
    code(() => compileTemplate('a\n{{ issue.title | nope }}', 5)),
    /^template_render_error: unknown filter "nope" \(line 6\)$/,
  );
});

test('templateUsage lists variables read (not loop locals)', () => {
  const u = templateUsage(
    compileTemplate(
      '{{ issue.identifier }}{% for l in issue.labels %}{{ l }}{{ forloop.index }}{% endfor %}{% if attempt %}{% endif %}',
    ),
  );
  assert.deepEqual(u.variables.sort(), ['attempt', 'issue.identifier', 'issue.labels']);
});

test('a missing list item is nil; an unknown key is not', () => {
  const none = { issue: { labels: [], blocked_by: [] }, attempt: null };
  assert.equal(
    render(
      '{{ issue.labels.first }}|{{ issue.labels.last }}|{{ issue.labels[0] }}|{{ issue.blocked_by.first.identifier }}|',
      none,
    ),
    '||||',
  );
  assert.equal(
    render('{% if issue.labels.first %}y{% else %}n{% endif %} {{ issue.labels.first | default: "none" }}', none),
    'n none',
  );
  assert.match(
    code(() => render('{{ issue.labels.nope }}', none)),
    /unknown variable "issue\.labels\.nope"/,
  );
});

test('sandbox: no file reads, no prototype members, bounded rendering', () => {
  for (const tag of ['include', 'render', 'layout']) {
    assert.match(
      code(() => compileTemplate(`{% ${tag} "/etc/passwd" %}`)),
      new RegExp(`^template_parse_error: unknown tag "${tag}"; supported: `),
    );
  }
  assert.match(
    code(() => compileTemplate('ok\n{% liquid\nassign a = 1\nrender "/etc/passwd" %}')),
    /^template_parse_error: unknown tag "render"; .* \(line 4\)$/,
  );
  assert.match(
    code(() => render('{{ issue.constructor }}')),
    /unknown variable "issue\.constructor"/,
  );
  assert.match(
    code(() => render('{{ issue.labels["__proto__"] }}')),
    /unknown variable "issue\.labels\.__proto__"/,
  );
  assert.equal(render('{{ issue.blocked_by | map: "constructor" | join: "," }}|'), ',|', 'filters read own keys only');
  assert.match(
    code(() => render('{% for i in (1..100000000) %}{% endfor %}')),
    /^template_render_error: memory alloc limit exceeded \(line 1\)$/,
  );
  assert.match(
    code(() => compileTemplate('x'.repeat(1_000_001))),
    /^template_parse_error: parse length limit exceeded/,
  );
  const loops =
    '{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}';
  assert.match(
    code(() => render(loops)),
    /^template_render_error: template render limit exceeded \(line 1\)$/,
  );
});

test('render errors name the file line: firstLine counts from the top of the file', () => {
  const t = compileTemplate('one\n{{ issue.nope }}', 10);
  assert.throws(
    () => renderCompiled(t, { issue, attempt: null }),
    (e: unknown) =>
      e instanceof WorkflowError &&
      e.code === 'template_render_error' &&
      e.detail.line === 11 &&
      /\(line 11\)$/.test(e.message),
  );
});
