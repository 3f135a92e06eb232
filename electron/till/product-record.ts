// A product as it is stored: names cleaned, and the search fields (pinyin) derived once, when it is written.
import type { ProductRecord } from '../db/products';
import { cleanText } from './csv';
import { namePinyin, searchText, sortKey } from './search';

/** What a product is, before the stored search fields are derived. */
export type ProductFields = Omit<ProductRecord, 'searchText' | 'sortKey' | 'isDemo'>;

/** A product as stored: names cleaned, pinyin computed once here, so search never computes it. */
export function productRecord(p: ProductFields, isDemo: boolean): ProductRecord {
  const name = cleanText(p.name);
  const nameEn = cleanText(p.nameEn);
  const py = namePinyin(name);
  return {
    ...p,
    name,
    nameEn,
    category: cleanText(p.category),
    isDemo,
    searchText: searchText(name, nameEn, py),
    sortKey: sortKey(name, py),
  };
}
