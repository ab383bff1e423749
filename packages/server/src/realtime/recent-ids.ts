/**
 * The ids of events this node delivered recently, to drop a repeat: the outbox
 * relay publishes an event again under the same id after a bus error or when it
 * takes over a dead node's events. Two generations of a bounded set: memory stays
 * under 2 x `capacity` ids, and an id is remembered for at least `capacity` events.
 */
export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  /** True the first time an id is seen (and remembers it), false for a repeat. */
  firstSeen(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return false;
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
    return true;
  }
}
