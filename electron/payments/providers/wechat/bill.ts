// WeChat Pay's daily trade bill (GET /v3/bill/tradebill → download): UTF-8 CSV, every value prefixed with a
// backtick, then a summary block. Placeholder until the parser lands.
import type { BillRow } from '../../provider';

/** The bill rows of one downloaded trade bill (after its SHA1 was checked). Throws when it cannot be read. */
export function parseWechatTradeBill(_csv: string): BillRow[] {
  throw new Error('The WeChat Pay bill parser is not built yet');
}

/** Test fixture for the mock: a trade bill as WeChat Pay serves it, holding these rows. */
export function buildWechatTradeBill(_rows: readonly BillRow[]): string {
  throw new Error('The WeChat Pay bill builder is not built yet');
}
