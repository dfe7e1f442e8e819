import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODES, PortplexError } from '../../../src/errors.js';
import { MOVES, PHASE_EVENTS, PHASES, PhaseError, PhaseMachine, READY_ANSWER, SHOWN, type Phase, type PhaseEvent } from '../../../src/workers/process-phase.js';

/**
 * The lifecycle, written out again by hand: a row per phase, a column per event; '-' is refused.
 * The table in src must say exactly this.
 */
const EXPECTED = `
             ready  leave    drain     stop      lostChannel  condemn    exit    gone
starting     ready  -        -         stopping  unreachable  condemned  exited  -
ready        -      leaving  draining  stopping  unreachable  condemned  exited  -
leaving      -      -        draining  stopping  unreachable  condemned  exited  -
draining     -      -        -         stopping  unreachable  condemned  exited  -
stopping     -      -        -         -         -            condemned  exited  -
unreachable  -      -        -         -         -            condemned  exited  -
condemned    -      -        -         -         -            -          exited  -
exited       -      -        -         -         -            -          -       gone
gone         -      -        -         -         -            -          -       -
`;

const [header, ...rows] = EXPECTED.trim().split('\n').map((line) => line.trim().split(/\s+/));
const events = header as PhaseEvent[];
const expected = new Map(rows.map(([phase, ...cells]) => [phase as Phase, cells]));

/** A way to each phase from 'starting', by events only. */
const PATHS: Record<Phase, PhaseEvent[]> = {
  starting: [],
  ready: ['ready'],
  leaving: ['ready', 'leave'],
  draining: ['ready', 'drain'],
  stopping: ['ready', 'stop'],
  unreachable: ['ready', 'lostChannel'],
  condemned: ['ready', 'condemn'],
  exited: ['ready', 'exit'],
  gone: ['ready', 'exit', 'gone'],
};

function machineIn(phase: Phase): { m: PhaseMachine; changes: () => number } {
  let n = 0;
  const m = new PhaseMachine(() => n++);
  for (const e of PATHS[phase]) m.move(e);
  assert.equal(m.phase, phase);
  return { m, changes: () => n };
}

describe('process phases: the table', () => {
  it('names every phase and every event, in order', () => {
    assert.deepEqual(events, [...PHASE_EVENTS]);
    assert.deepEqual([...expected.keys()], [...PHASES]);
  });

  for (const phase of PHASES) {
    for (const [i, event] of events.entries()) {
      const want = expected.get(phase)![i]!;
      if (want === '-') {
        it(`${phase} x ${event}: refused with ${CODES.ILLEGAL_TRANSITION}, nothing changes`, () => {
          const { m, changes } = machineIn(phase);
          const before = changes();
          assert.equal(m.can(event), false);
          assert.throws(() => m.move(event), (err: unknown) => {
            assert.ok(err instanceof PhaseError && err instanceof PortplexError);
            assert.equal(err.code, CODES.ILLEGAL_TRANSITION);
            assert.deepEqual([err.phase, err.event], [phase, event]);
            assert.match(err.message, new RegExp(`'${event}' while ${phase}`));
            return true;
          });
          assert.deepEqual([m.phase, changes()], [phase, before], 'still where it was, no one told');
        });
      } else {
        it(`${phase} x ${event}: -> ${want}, told once`, () => {
          const { m, changes } = machineIn(phase);
          const before = changes();
          assert.equal(m.can(event), true);
          assert.equal(m.move(event), want);
          assert.deepEqual([m.phase, changes() - before], [want, 1]);
        });
      }
    }
  }

  it('the table in src has no more and no fewer moves than the one here', () => {
    for (const phase of PHASES) {
      const allowed = Object.keys(MOVES[phase]).sort();
      const want = events.filter((_, i) => expected.get(phase)![i] !== '-').sort();
      assert.deepEqual(allowed, want, phase);
    }
  });

  it('gone is the end: every path ends there, and nothing leaves it', () => {
    const reach = new Set<Phase>(['starting']);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of [...reach]) for (const next of Object.values(MOVES[p])) if (!reach.has(next)) { reach.add(next); grew = true; }
    }
    assert.deepEqual([...reach].sort(), [...PHASES].sort(), 'every phase can be reached');
    for (const p of PHASES) if (p !== 'gone') assert.ok(MOVES[p].exit !== undefined || MOVES[p].gone !== undefined, `${p} can end`);
  });
});

describe('process phases: what users see', () => {
  it('each phase shows as one of the four states, and each state is shown', () => {
    assert.deepEqual(PHASES.map((p) => SHOWN[p]), ['starting', 'ready', 'ready', 'ready', 'stopping', 'stopping', 'stopping', 'stopping', 'exited']);
  });

  it('whenReady answers true in the ready phases, false once stopped, cut off or gone, and waits on one being killed or exited', () => {
    assert.deepEqual(PHASES.map((p) => READY_ANSWER[p]), [undefined, true, true, true, false, false, undefined, undefined, false]);
  });
});

describe('process phases: the path', () => {
  it('been() remembers every phase passed through', () => {
    const m = new PhaseMachine();
    assert.deepEqual(PHASES.filter((p) => m.been(p)), ['starting']);
    m.move('ready');
    m.move('drain');
    m.move('condemn');
    m.move('exit');
    assert.deepEqual(PHASES.filter((p) => m.been(p)), ['starting', 'ready', 'draining', 'condemned', 'exited']);
  });
});
