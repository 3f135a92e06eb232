// Ids of new records made at the till: UUIDv7 (time-ordered, so they index like a sequence), so that a second
// till sharing the shop's database, or a restored backup, never collides with them and nothing is renumbered.
// Numbers people read (order, shift, Z, refund numbers) are separate and carry the till's id.
import { v7 } from 'uuid';

export function newRecordId(): string {
  return v7();
}
