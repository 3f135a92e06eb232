// Alipay's daily trade bill: a zip (GBK entry names) of GBK CSV files; the detail file's rows between
// `#---业务明细列表---` and `#---业务明细列表结束---`. Placeholder until the parser lands.
import type { BillRow } from '../../provider';

/** The bill rows of one downloaded bill zip. Throws when the zip or its detail file cannot be read. */
export function parseAlipayBillZip(_zip: Uint8Array): BillRow[] {
  throw new Error('The Alipay bill parser is not built yet');
}

/** Test fixture for the mock: a bill zip as Alipay serves it, holding these rows (date yyyy-mm-dd). */
export function buildAlipayBillZip(_rows: readonly BillRow[], _date: string): Uint8Array {
  throw new Error('The Alipay bill builder is not built yet');
}
