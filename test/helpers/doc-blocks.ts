// The fenced blocks of the user guide (README.md, docs/, bench/README.md) and their markers.
//
// Every fenced block in a guide page is preceded (on the line before, blank lines aside) by one
// of two markers:
//   <!-- example: NAME [file=PATH] -->  runs: blocks of one NAME in one page form a scenario,
//                                       run in order in a new directory (test/helpers/doc-examples.ts)
//   <!-- not run: REASON -->            an output sample, a fragment, a command that takes minutes
// A block with neither is an error naming its page and line, so no example goes unchecked.
// The reference pages (docs/cli.md, configuration.md, metrics.md, errors.md) are checked against
// the code by their own test, not here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Marker =
  | { kind: 'example'; scenario: string; file: string | undefined }
  | { kind: 'not-run'; reason: string };

export interface DocBlock {
  /** The page, relative to the project root. */
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  marker: Marker | undefined;
}

/** Pages whose content is checked against the code by the reference tests. */
export const REFERENCE_PAGES = new Set(['docs/cli.md', 'docs/configuration.md', 'docs/metrics.md', 'docs/errors.md']);

/** The guide's pages, relative to `root`: README.md, bench/README.md and docs/ (the reference pages too with `withReference`). */
export function guidePages(root: string, withReference = false): string[] {
  const pages = ['README.md', 'bench/README.md'];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.md') && (withReference || !REFERENCE_PAGES.has(rel))) pages.push(rel);
    }
  };
  walk('docs');
  return pages.sort();
}

const FENCE = /^(\s*)(`{3,})\s*([\w-]*)\s*$/;
const EXAMPLE = /^\s*<!--\s*example:\s*([\w-]+)(?:\s+file=([\w./-]+))?\s*-->\s*$/;
const NOT_RUN = /^\s*<!--\s*not run:\s*(.+?)\s*-->\s*$/;

/** The fenced blocks of one page's markdown, each with the marker before it (if any). */
export function docBlocks(page: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, ticks, lang] = open as unknown as [string, string, string, string];
    let end = i + 1;
    while (end < lines.length && !(lines[end]!.trim() === ticks)) end++;
    if (end >= lines.length) throw new Error(`${page}:${i + 1}: a fence that never closes`);
    const text = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    blocks.push({ page, line: i + 1, lang, text, marker: before >= 0 ? marker(lines[before]!) : undefined });
    i = end;
  }
  return blocks;
}

function marker(line: string): Marker | undefined {
  const ex = EXAMPLE.exec(line);
  if (ex) return { kind: 'example', scenario: ex[1]!, file: ex[2] };
  const nr = NOT_RUN.exec(line);
  if (nr) return { kind: 'not-run', reason: nr[1]! };
  return undefined;
}

export const SHELL_LANGS = new Set(['sh', 'bash', 'shell', '']);

/** What is wrong with the blocks' markers, each naming page and line; empty when all is well. */
export function markerProblems(blocks: readonly DocBlock[]): string[] {
  const problems: string[] = [];
  for (const b of blocks) {
    const at = `${b.page}:${b.line}`;
    if (b.marker === undefined) {
      problems.push(`${at}: a fenced block without <!-- example: NAME --> or <!-- not run: REASON --> before it`);
    } else if (b.marker.kind === 'example') {
      if (b.lang === 'js' && b.marker.file === undefined) problems.push(`${at}: a js example needs file=NAME.js (the file it is written to)`);
      else if (b.lang !== 'js' && b.lang !== 'json' && !SHELL_LANGS.has(b.lang)) problems.push(`${at}: an example in "${b.lang}" cannot be run (sh, js or json)`);
      else if (SHELL_LANGS.has(b.lang) && b.marker.file !== undefined) problems.push(`${at}: a shell example is run, not written to a file`);
    }
  }
  return problems;
}

/** The runnable scenarios of a page, by name, blocks in page order. */
export function scenarios(blocks: readonly DocBlock[]): Map<string, DocBlock[]> {
  const out = new Map<string, DocBlock[]>();
  for (const b of blocks) {
    if (b.marker?.kind !== 'example') continue;
    const list = out.get(b.marker.scenario) ?? [];
    list.push(b);
    out.set(b.marker.scenario, list);
  }
  return out;
}

/** The blocks of one page of the project. */
export function pageBlocks(root: string, page: string): DocBlock[] {
  return docBlocks(page, readFileSync(join(root, page), 'utf8'));
}
