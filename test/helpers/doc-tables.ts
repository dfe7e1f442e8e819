// Reads the tables of a docs/*.md page, so tests can hold the reference pages against the code.
// Deliberately simple: a table is a run of lines starting with "|", its first line the header,
// its second the |---| rule; it belongs to the heading above it. Fenced code is skipped.
import { readFileSync } from 'node:fs';
import { ROOT } from './cluster.js';

/** One markdown table, with the text of the heading it is under ('' before any heading). */
export interface DocTable {
  heading: string;
  header: string[];
  rows: string[][];
}

/** The text of docs/<name>. */
export function readDoc(name: string): string {
  return readFileSync(`${ROOT}docs/${name}`, 'utf8');
}

/** Every table of `markdown`, in order. */
export function docTables(markdown: string): DocTable[] {
  const tables: DocTable[] = [];
  let heading = '';
  let fenced = false;
  let current: DocTable | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) heading = h[1].trim();
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    const cells = splitRow(line);
    if (current === undefined) {
      current = { heading, header: cells.map((c) => c.toLowerCase()), rows: [] };
      tables.push(current);
    } else if (!cells.every((c) => /^:?-+:?$/.test(c))) {
      current.rows.push(cells);
    }
  }
  return tables;
}

/** The cells of one table row; `\|` inside a cell is a literal bar. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let code = false;
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && body[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '`') {
      code = !code;
      cell += c;
    } else if (c === '|' && !code) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** The backticked spans of a cell: "`a`, `b` (x)" -> ['a', 'b']. */
export function backticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** The column of `table` named `name`, as an index; throws naming the page when it is missing. */
export function column(table: DocTable, name: string, page: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) throw new Error(`${page}: the table under "${table.heading}" has no "${name}" column (it has ${table.header.join(', ')})`);
  return i;
}

/**
 * What differs between the names the code has and the names a page documents: a name in the code
 * and not on the page is missing there, a name on the page and not in the code is stale.
 */
export function nameDiff(page: string, what: string, inCode: Iterable<string>, inDocs: Iterable<string>): string[] {
  const code = new Set(inCode);
  const docs = new Set(inDocs);
  const problems: string[] = [];
  for (const n of code) if (!docs.has(n)) problems.push(`${page} lacks ${what}${n}`);
  for (const n of docs) if (!code.has(n)) problems.push(`${page} documents ${what}${n}, which the code no longer has (stale)`);
  return problems;
}

/** Names that appear more than once in `names`. */
export function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}
