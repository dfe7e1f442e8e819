// docs/internals/frames.md is the one table of what travels between master and workers: every
// frame type with its payload, every JSON message with its fields, a listener's fields. The code
// declares the same in FRAME_LAYOUT (frames.ts) and MESSAGE_FIELDS (protocol.ts, which the
// compiler holds to the message types). A frame, message or field in one and not the other fails
// here, naming it; so does a layout whose smallest payload is not what the encoder writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FRAME, FRAME_LAYOUT, HEADER_BYTES, carriesHandle, datagramBytes, encodeAccepted, encodeAcks, encodeConn, encodeDatagrams, encodeForward, encodeListen, encodeSessions,
  type Datagram,
} from '../../../src/ipc/frames.js';
import { MESSAGE_FIELDS } from '../../../src/ipc/protocol.js';
import { backticked, column, docTables, duplicates, nameDiff, readDoc, type DocTable } from '../../helpers/doc-tables.js';

const PAGE = 'docs/internals/frames.md';
const DIRECTION = { toWorker: 'master to worker', toMaster: 'worker to master' } as const;

function table(tables: DocTable[], heading: string, first: string): DocTable {
  const t = tables.find((x) => x.heading === heading && x.header[0] === first);
  if (t === undefined) throw new Error(`${PAGE}: no table with a "${first}" column under "${heading}"`);
  return t;
}

/** Each message of the page as "direction name" -> its fields in order, and the problems seen reading it. */
function docMessages(markdown: string): { messages: Map<string, string[]>; listener: string[]; problems: string[] } {
  const tables = docTables(markdown);
  const t = table(tables, 'The messages', 'message');
  const dir = column(t, 'direction', PAGE);
  const fields = column(t, 'fields', PAGE);
  const keys = t.rows.map((r) => `${r[dir]} ${backticked(r[0]!)[0] ?? r[0]}`);
  const problems = duplicates(keys).map((k) => `${PAGE} lists message ${k} twice`);
  const messages = new Map(t.rows.map((r, i) => [keys[i]!, backticked(r[fields]!)]));
  const listener = table(tables, 'The messages', 'field').rows.map((r) => backticked(r[0]!)[0] ?? r[0]!);
  return { messages, listener, problems };
}

/** What differs between the page's messages and MESSAGE_FIELDS. */
function messageProblems(markdown: string): string[] {
  const doc = docMessages(markdown);
  const code = new Map<string, readonly string[]>();
  for (const d of ['toWorker', 'toMaster'] as const) {
    for (const [name, fields] of Object.entries(MESSAGE_FIELDS[d])) code.set(`${DIRECTION[d]} ${name}`, fields);
  }
  const problems = [...doc.problems, ...nameDiff(PAGE, 'message ', code.keys(), doc.messages.keys())];
  for (const [key, fields] of code) {
    const documented = doc.messages.get(key);
    if (documented !== undefined && documented.join(', ') !== fields.join(', ')) problems.push(`${PAGE}: message ${key} has fields ${fields.join(', ') || '(none)'} in the code, ${documented.join(', ') || '(none)'} on the page`);
  }
  problems.push(...nameDiff(PAGE, 'listener field ', MESSAGE_FIELDS.listener, doc.listener));
  return problems;
}

/** What differs between the page's frames and FRAME_LAYOUT / FRAME / carriesHandle. */
function frameProblems(markdown: string): string[] {
  const t = table(docTables(markdown), 'The frames', 'type');
  const dir = column(t, 'direction', PAGE);
  const fd = column(t, 'descriptor', PAGE);
  const fields = column(t, 'fields', PAGE);
  const rows = new Map(t.rows.map((r) => [backticked(r[0]!)[0] ?? r[0]!, r]));
  const code = new Map(Object.entries(FRAME).map(([key, type]) => [String.fromCharCode(type), key as keyof typeof FRAME]));
  const problems = [...duplicates(t.rows.map((r) => r[0]!)).map((x) => `${PAGE} lists frame ${x} twice`), ...nameDiff(PAGE, 'frame ', code.keys(), rows.keys())];
  for (const [letter, key] of code) {
    const r = rows.get(letter);
    if (r === undefined) continue;
    const layout = FRAME_LAYOUT[key];
    if (r[dir] !== layout.direction) problems.push(`${PAGE}: frame ${letter} goes ${layout.direction} in the code, ${r[dir]} on the page`);
    const withHandle = carriesHandle(FRAME[key]) ? 'yes' : 'no';
    if (r[fd] !== withHandle) problems.push(`${PAGE}: frame ${letter} ${withHandle === 'yes' ? 'carries' : 'carries no'} descriptor in the code, "${r[fd]}" on the page`);
    const documented = backticked(r[fields]!)[0];
    if (documented !== layout.fields) problems.push(`${PAGE}: frame ${letter} has fields "${layout.fields}" in the code, "${documented}" on the page`);
  }
  return problems;
}

const SIZES: Readonly<Record<string, number>> = { u8: 1, u16: 2, u32: 4, f64: 8, latin1: 0, bytes: 0 };

/** The smallest payload a layout allows: its fixed fields, outside `[...]` and not repeated (one record of an `each:` list). */
function smallest(fields: string): number {
  let n = 0;
  for (const f of fields.replace(/^each: /, '').replace(/\[[^\]]*\]/g, '').split(', ')) {
    if (f === '') continue;
    const type = f.split(' ')[1] ?? '';
    if (type.endsWith('...')) continue;
    const size = SIZES[type];
    if (size === undefined) throw new Error(`a field of unknown type: "${f}" in "${fields}"`);
    n += size;
  }
  return n;
}

const payload = (b: Buffer): number => b.length - HEADER_BYTES;
const datagram: Datagram = { listener: 0, address: '', port: 0, data: new Uint8Array(0) };
/** The smallest payload each encoder writes (one empty record for a list). */
const ENCODED: { readonly [K in keyof typeof FRAME]: () => Buffer } = {
  conn: () => encodeConn(1, 0, 0, undefined, false),
  listen: () => encodeListen(0),
  acks: () => encodeAcks([], [], []),
  forward: () => encodeForward(0, new Uint8Array(0), false),
  accepted: () => encodeAccepted([{ seq: -1, listener: 0, address: '', port: 0 }]),
  datagrams: () => encodeDatagrams(FRAME.datagrams, [datagram], datagramBytes(datagram)),
  replies: () => encodeDatagrams(FRAME.replies, [datagram], datagramBytes(datagram)),
  sessions: () => encodeSessions(['']),
};

describe(`${PAGE} and the code`, () => {
  const markdown = readDoc('internals/frames.md');

  it('list the same messages, each with the same fields in the same order, and the same listener fields', () => {
    assert.deepEqual(messageProblems(markdown), []);
  });

  it('list the same frames, each with its direction, descriptor and fields', () => {
    assert.deepEqual(frameProblems(markdown), []);
  });

  it("each frame's smallest payload by the table is what its encoder writes", () => {
    for (const key of Object.keys(FRAME) as Array<keyof typeof FRAME>) {
      assert.equal(payload(ENCODED[key]()), smallest(FRAME_LAYOUT[key].fields), `${key}: ${FRAME_LAYOUT[key].fields}`);
    }
    // C's optional client: its bracketed fields are what a client with an empty address adds.
    assert.equal(payload(encodeConn(1, 0, 0, undefined, false, '', 0)) - payload(ENCODED.conn()), 4);
  });

  it('a field, message or frame on one side only fails, naming it (the checks can fail)', () => {
    const pongRow = markdown.split('\n').find((l) => l.startsWith('| `pong` |'))!;
    const noQ = markdown.replace(pongRow, pongRow.replace(', `q` |', ' |'));
    assert.deepEqual(messageProblems(noQ), [`${PAGE}: message worker to master pong has fields req, d, a, r, h, u, q in the code, req, d, a, r, h, u on the page`]);
    const noCu = markdown.split('\n').filter((l) => !l.startsWith('| `cu` |')).join('\n');
    assert.deepEqual(messageProblems(noCu), [`${PAGE} lacks message worker to master cu`]);
    const extra = markdown.replace('| `stop` |', '| `go` | master to worker | | not a message |\n| `stop` |');
    assert.deepEqual(messageProblems(extra), [`${PAGE} documents message master to worker go, which the code no longer has (stale)`]);
    const noPort = markdown.split('\n').filter((l) => !l.startsWith('| `port` |')).join('\n');
    assert.deepEqual(messageProblems(noPort), [`${PAGE} lacks listener field port`]);
    const lRow = markdown.split('\n').find((l) => l.startsWith('| `L` |'))!;
    const wide = markdown.replace(lRow, lRow.replace('`listener u16`', '`listener u32`'));
    assert.deepEqual(frameProblems(wide), [`${PAGE}: frame L has fields "listener u16" in the code, "listener u32" on the page`]);
    const noS = markdown.split('\n').filter((l) => !l.startsWith('| `S` |')).join('\n');
    assert.deepEqual(frameProblems(noS), [`${PAGE} lacks frame S`]);
  });
});
