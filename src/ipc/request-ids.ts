// Request ids: the one scheme by which an answer names the question it answers. Every question
// on the channel (ping, metrics?, peers? from the master; lq from a worker) carries `req`, and
// its answer (pong, metrics, peers; lr) carries the same `req` back. Each sending process draws
// them from one RequestIds, so no two questions in flight from one process share an id, whatever
// their kind; an answer still counts only for its own kind of question (the asker checks).

/** Hands out a sending process's request ids: 1, 2, 3, ... (a double holds them exactly for 2^53 questions). */
export class RequestIds {
  private last = 0;

  /** A fresh id, never given before by this allocator. */
  next(): number {
    return ++this.last;
  }
}
