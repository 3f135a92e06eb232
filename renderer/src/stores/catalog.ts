// The product area: what the search box says, the chosen category, and the latest results.
import { create } from 'zustand';
import type { Product } from '../../../shared/domain';
import { client } from '../api/client';
import { splitQuantityPrefix } from '../scanner';
import { setPendingQuantity } from '../scannerDom';
import { showError } from './ui';

export interface Category {
  name: string;
  count: number;
}

interface CatalogState {
  /** The search box, as typed (may start with a quantity: "3*kl"). */
  text: string;
  category: string | null;
  results: Product[];
  total: number;
  /** The query the results belong to, so Enter never acts on results for older text. */
  resultsKey: string;
  categories: Category[];
  /** Bumped on catalog.changed so open product lists reload. */
  version: number;
  /** The catalog manager's own search box (a scan there fills it). */
  adminText: string;
}

export const useCatalog = create<CatalogState>(() => ({
  text: '',
  category: null,
  results: [],
  total: 0,
  resultsKey: '',
  categories: [],
  version: 0,
  adminText: '',
}));

const SEARCH_DEBOUNCE_MS = 100;
const PAGE = 60;

export function searchQuery(text: string): string {
  return splitQuantityPrefix(text).rest.trim().slice(0, 64);
}

function keyOf(query: string, category: string | null): string {
  return `${category ?? ''}\u0000${query}`;
}

let timer: ReturnType<typeof setTimeout> | null = null;
let latest = 0;

/**
 * Searches now for the current text and category; an older reply never overwrites a newer one.
 * Without `force`, text that comes back to what the results already show (a scan typed into the box
 * and restored) costs no search.
 */
export async function runSearch(force = true): Promise<{ items: Product[]; total: number } | undefined> {
  if (timer) clearTimeout(timer);
  timer = null;
  const { text, category, resultsKey, results, total } = useCatalog.getState();
  const query = searchQuery(text);
  if (!force && keyOf(query, category) === resultsKey) {
    latest++; // a reply still on its way is for older text
    return { items: results, total };
  }
  const seq = ++latest;
  const r = await client.call('products.search', { query, category: category ?? undefined, limit: PAGE });
  if (seq !== latest) return r.ok ? r.value : undefined;
  if (!r.ok) {
    showError(r.error);
    return undefined;
  }
  useCatalog.setState({ results: r.value.items, total: r.value.total, resultsKey: keyOf(query, category) });
  return r.value;
}

export function setSearchText(text: string): void {
  const prev = useCatalog.getState().text;
  useCatalog.setState({ text });
  // "3*" at the start of the box is a quantity, like "3*" typed anywhere else.
  const q = splitQuantityPrefix(text).quantity;
  if (q !== null) setPendingQuantity(q);
  else if (splitQuantityPrefix(prev).quantity !== null) setPendingQuantity(null);
  if (searchQuery(text) === searchQuery(prev)) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => void runSearch(false), SEARCH_DEBOUNCE_MS);
}

export function setCategory(category: string | null): void {
  useCatalog.setState({ category });
  void runSearch();
}

/** The current results if they belong to what the box says now; else searches first. */
export async function currentResults(): Promise<Product[]> {
  const { text, category, resultsKey, results } = useCatalog.getState();
  if (resultsKey === keyOf(searchQuery(text), category) && !timer) return results;
  return (await runSearch())?.items ?? [];
}

/** Drops a used "3*" from the box once the quantity went with a product. */
export function clearQuantityPrefix(): void {
  const { text } = useCatalog.getState();
  const { quantity, rest } = splitQuantityPrefix(text);
  if (quantity !== null) useCatalog.setState({ text: rest });
}

export async function loadCategories(): Promise<void> {
  const r = await client.call('catalog.categories', {});
  if (r.ok) useCatalog.setState({ categories: r.value });
}

export function syncCatalog(): () => void {
  void loadCategories();
  void runSearch();
  const refresh = () => {
    useCatalog.setState((s) => ({ version: s.version + 1 }));
    void loadCategories();
    void runSearch();
  };
  const offs = [client.on('catalog.changed', refresh), client.onConnect(refresh)];
  return () => {
    for (const off of offs) off();
    if (timer) clearTimeout(timer);
  };
}
