// What a process's application serves, as the master sees it: the listeners it listens on, and
// whether its servers have room (one refused a connection as full, at maxConnections). Not a
// lifecycle phase: a ready process goes in and out of both while it runs.

export class Serving {
  private readonly listens: boolean[] = [];
  private full = false;

  /** It serves listener `l` and has room for one more connection. */
  takes(l: number): boolean {
    return this.listens[l] === true && !this.full;
  }

  listening(l: number): boolean {
    return this.listens[l] === true;
  }

  /** The listeners it serves, in order. */
  list(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.listens.length; i++) if (this.listens[i]) out.push(i);
    return out;
  }

  /** Its application serves exactly `listeners` now. */
  set(listeners: readonly number[]): void {
    this.listens.length = 0;
    for (const l of listeners) this.listens[l] = true;
  }

  /** It refused a connection of listener `l` for want of a server there. */
  unlisten(l: number): void {
    this.listens[l] = false;
  }

  /** Refused a connection with its server full: none until one of its connections closes. */
  markFull(): void {
    this.full = true;
  }

  /** One of its connections closed: room again. */
  markRoom(): void {
    this.full = false;
  }
}
