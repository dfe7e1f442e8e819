// The reference pages hold what the code has: every option --help lists (docs/cli.md), every key
// the config validator accepts (docs/configuration.md), every error code (docs/errors.md). A name
// in the code and missing from a page fails naming it; a name on a page the code no longer has
// fails as stale. The metric families are held against a real scrape in
// test/integration/docs-metrics.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { Command, Option } from 'commander';
import { ADMIN_CODES } from '../../src/admin/protocol.js';
import { addAdminCommands } from '../../src/cli/admin-commands.js';
import { program } from '../../src/cli/program.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import type { UserConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';
import { CODES } from '../../src/errors.js';
import { backticked, column, docTables, duplicates, nameDiff, readDoc, type DocTable } from '../helpers/doc-tables.js';

function fail(problems: string[]): void {
  assert.deepEqual(problems, [], `\n  ${problems.join('\n  ')}\n`);
}

/** The program `portplex` runs, with its admin commands. */
function cli(): Command {
  const p = program();
  addAdminCommands(p, () => {});
  // As main.ts does: with an action of its own, commander adds no implicit `help` command.
  p.action(() => {});
  return p;
}

/** What --help lists for `cmd`: its options and the implicit -h, --help (and -v on the main one). */
function helpOptions(cmd: Command): readonly Option[] {
  return cmd.createHelp().visibleOptions(cmd);
}

/** "-w, --workers <n>" -> its argument, "<n>" ('' for a flag without one). */
function optionArgument(flags: string): string {
  return /[<[].*$/.exec(flags)?.[0] ?? '';
}

/** The name a row or an error uses for an option: the long flag, else the short one. */
function optionName(o: { long?: string; short?: string }): string {
  return o.long ?? o.short ?? '?';
}

/** "`portplex scale <n>`" -> 'scale'; the main command's heading ("`portplex [options] <script>`") -> ''. */
function commandOfHeading(heading: string): string | undefined {
  const usage = backticked(heading)[0];
  if (!usage?.startsWith('portplex')) return undefined;
  const word = usage.split(/\s+/)[1] ?? '';
  return /^[a-z]/.test(word) ? word : '';
}

function commandLabel(name: string): string {
  return name === '' ? 'portplex' : `portplex ${name}`;
}

test('docs/cli.md has every command and every option --help lists, with their arguments, and nothing more', () => {
  const page = 'docs/cli.md';
  const program = cli();
  const commands = new Map<string, Command>([['', program], ...program.createHelp().visibleCommands(program).map((c): [string, Command] => [c.name(), c])]);
  const sections = new Map<string, DocTable>();
  const problems: string[] = [];
  for (const t of docTables(readDoc('cli.md'))) {
    if (t.header[0] !== 'option') continue;
    const name = commandOfHeading(t.heading);
    if (name === undefined) problems.push(`${page}: the option table under "${t.heading}" is not under a \`portplex ...\` heading`);
    else if (sections.has(name)) problems.push(`${page} has two option tables for \`${commandLabel(name)}\``);
    else sections.set(name, t);
  }
  problems.push(...nameDiff(page, 'a section for the command ', [...commands.keys()].map(commandLabel), [...sections.keys()].map(commandLabel)));

  for (const [name, cmd] of commands) {
    const table = sections.get(name);
    if (!table) continue;
    const what = name === '' ? '' : `${commandLabel(name)} option `;
    const argCol = column(table, 'argument', page);
    // The heading shows the command's arguments as its usage line does.
    for (const a of cmd.registeredArguments) {
      const shown = a.required ? `<${a.name()}>` : `[${a.name()}${a.variadic ? '...' : ''}]`;
      if (!table.heading.includes(shown)) problems.push(`${page}: the heading "${table.heading}" lacks the argument ${shown}`);
    }
    const documented = new Map<string, { short?: string; long?: string; argument: string }>();
    for (const row of table.rows) {
      const flags = (backticked(row[0])[0] ?? '').split(/,\s*/).filter((f) => f !== '');
      const doc = { short: flags.find((f) => /^-[^-]/.test(f)), long: flags.find((f) => f.startsWith('--')), argument: backticked(row[argCol] ?? '')[0] ?? '' };
      if (flags.length === 0) problems.push(`${page}: a row under "${table.heading}" names no option in backticks: ${row[0]}`);
      else documented.set(optionName(doc), doc);
    }
    const options = helpOptions(cmd);
    problems.push(...nameDiff(page, what, options.map(optionName), documented.keys()));
    for (const o of options) {
      const doc = documented.get(optionName(o));
      if (!doc) continue;
      if (doc.short !== o.short) problems.push(`${page}: ${what}${optionName(o)} has the short form ${o.short ?? 'none'} in --help, ${doc.short ?? 'none'} on the page`);
      if (doc.argument !== optionArgument(o.flags)) problems.push(`${page}: ${what}${optionName(o)} takes ${optionArgument(o.flags) || 'no argument'} in --help, ${doc.argument || 'none'} on the page`);
    }
  }
  fail(problems);
});

/** Which keys each level's table documents, by the heading it is under. */
const CONFIG_LEVELS: ReadonlyArray<{ heading: string; keys: readonly string[]; defaults: boolean }> = [
  { heading: 'Top level', keys: CONFIG_KEYS.top.filter((k) => !(CONFIG_KEYS.group as readonly string[]).includes(k)), defaults: true },
  { heading: 'Group fields', keys: CONFIG_KEYS.group, defaults: true },
  { heading: '`listeners[]`', keys: CONFIG_KEYS.listener, defaults: false },
  { heading: '`listeners[].content`', keys: CONFIG_KEYS.content, defaults: false },
  { heading: '`listeners[].content.rules[]`', keys: CONFIG_KEYS.rule, defaults: false },
  { heading: '`listeners[].content.sticky`', keys: CONFIG_KEYS.sticky, defaults: false },
];

test('docs/configuration.md has every key the validator accepts at each level, and nothing more', () => {
  const page = 'docs/configuration.md';
  const markdown = readDoc('configuration.md');
  const tables = docTables(markdown).filter((t) => t.header[0] === 'key');
  const flags = new Set(helpOptions(program()).flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined));
  const problems: string[] = [];
  for (const t of tables) {
    if (!CONFIG_LEVELS.some((l) => l.heading === t.heading)) problems.push(`${page}: a key table under "${t.heading}", which is no level the test knows (${CONFIG_LEVELS.map((l) => l.heading).join(', ')})`);
  }
  for (const level of CONFIG_LEVELS) {
    const table = tables.find((t) => t.heading === level.heading);
    if (!table) {
      problems.push(`${page} lacks the section "${level.heading}" with a key table`);
      continue;
    }
    const what = level.heading === 'Top level' ? '' : `${level.heading.replace(/`/g, '')} key `;
    const keys = table.rows.map((r) => backticked(r[0])[0] ?? r[0]);
    for (const d of duplicates(keys)) problems.push(`${page}: ${what}${d} is documented twice`);
    problems.push(...nameDiff(page, what, level.keys, keys));
    const flagCol = column(table, 'flag', page);
    const defaultCol = column(table, 'default', page);
    table.rows.forEach((row, i) => {
      // A flag the page says sets this key must be one --help lists.
      for (const f of backticked(row[flagCol] ?? '').filter((s) => s.startsWith('-'))) {
        const name = f.split(/\s/)[0];
        if (!flags.has(name)) problems.push(`${page}: ${what}${keys[i]} names the flag ${name}, which portplex --help does not list`);
      }
      // Defaults the code keeps in DEFAULTS appear as written in JSON (the CPU count is the machine's).
      const key = keys[i] as keyof typeof DEFAULTS;
      if (level.defaults && key !== 'workers' && Object.hasOwn(DEFAULTS, key)) {
        const expected = JSON.stringify(DEFAULTS[key]);
        if (!backticked(row[defaultCol] ?? '').includes(expected)) problems.push(`${page}: ${what}${key} defaults to \`${expected}\` in src/config/defaults.ts, the page says ${row[defaultCol] || 'nothing'}`);
      }
    });
  }
  fail(problems);
});

test('the example config in docs/configuration.md is accepted by the validator', (t) => {
  const example = /```json\n([\s\S]*?)\n```/.exec(readDoc('configuration.md'));
  assert.ok(example, 'docs/configuration.md has a ```json example');
  const config = JSON.parse(example[1]) as UserConfig;
  // The scripts it names, as empty files, where the validator looks for them.
  const dir = mkdtempSync(join(tmpdir(), 'portplex-docs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const g of [config, ...Object.values(config.groups ?? {})]) {
    if (typeof g.script !== 'string') continue;
    const file = join(dir, g.cwd ?? config.cwd ?? '.', g.script);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }
  const valid = validateConfig(config, dir);
  assert.ok(valid.groups.length > 1 && valid.listeners.length > 1, 'the example shows several groups and listeners');
});

test('docs/errors.md has every error code, and nothing more', () => {
  const page = 'docs/errors.md';
  const tables = docTables(readDoc('errors.md')).filter((t) => t.header[0] === 'code');
  const codes = tables.flatMap((t) => t.rows.map((r) => backticked(r[0])[0] ?? r[0]));
  const problems = duplicates(codes).map((c) => `${page}: ${c} is documented twice`);
  problems.push(...nameDiff(page, '', [...Object.values(CODES), ...ADMIN_CODES.map((c) => `PORTPLEX_ADMIN_${c}`)], codes));
  fail(problems);
});
