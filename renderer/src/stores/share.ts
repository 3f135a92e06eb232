// Keeps line objects that did not change between two versions of an order, so memoized rows skip
// re-rendering: a push carries the whole order, and most of its lines are as they were.
import type { OrderLine } from '../../../shared/domain';

function sameLine(a: OrderLine, b: OrderLine): boolean {
  for (const k in a) {
    if (a[k as keyof OrderLine] !== b[k as keyof OrderLine]) return false;
  }
  return true;
}

/** Reuses unchanged line objects (and the array when nothing changed); reports the last new or changed line. */
export function shareLines(prev: OrderLine[], next: OrderLine[]): { lines: OrderLine[]; changedId: number | null } {
  const byId = new Map(prev.map((l) => [l.id, l]));
  let changedId: number | null = null;
  let same = prev.length === next.length;
  const lines = next.map((line, i) => {
    const old = byId.get(line.id);
    if (old && sameLine(old, line)) {
      if (prev[i] !== old) same = false;
      return old;
    }
    same = false;
    changedId = line.id;
    return line;
  });
  return { lines: same ? prev : lines, changedId };
}
