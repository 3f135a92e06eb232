/** The key that does the same as a button, shown on it. */
export function Kbd({ k }: { k: string }) {
  return <kbd className="kbd">{k}</kbd>;
}
