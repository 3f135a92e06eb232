// Numbered schema migrations: migrations[i] brings a database from user_version i to i + 1.
// Append only; never edit a migration that has shipped. Each one runs in its own transaction together
// with the user_version bump, so a crash leaves the database at a whole version.
import type { Database } from 'better-sqlite3';

export type Migration = (db: Database) => void;

export const migrations: Migration[] = [
  // 1: the first till: catalog, orders with their lines and payments, an append-only journal, settings.
  (db) => {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;

      CREATE TABLE products (
        id          INTEGER PRIMARY KEY,
        barcode     TEXT    NOT NULL UNIQUE,
        name        TEXT    NOT NULL,
        name_en     TEXT    NOT NULL DEFAULT '',
        category    TEXT    NOT NULL DEFAULT '',
        price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
        tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        -- Lower-cased names, pinyin initials and full pinyin, separated by U+001F; computed on save.
        search_text TEXT    NOT NULL DEFAULT '',
        -- Full pinyin of the name: lists sort by how the name is said, not by code point.
        sort_key    TEXT    NOT NULL DEFAULT '',
        created_at  TEXT    NOT NULL,
        updated_at  TEXT    NOT NULL
      ) STRICT;
      -- Catalog listing order; also the order the in-memory search index is built in.
      CREATE INDEX products_listing ON products (category, sort_key, id);
      CREATE INDEX products_demo ON products (is_demo, active);

      CREATE TABLE orders (
        id                   INTEGER PRIMARY KEY,
        till_id              TEXT    NOT NULL,
        -- Human number per till and business day ("0042"), assigned when the sale completes; '' before.
        number               TEXT    NOT NULL DEFAULT '',
        business_day         TEXT,
        status               TEXT    NOT NULL CHECK (status IN ('draft', 'held', 'completed', 'voided')),
        currency             TEXT    NOT NULL,
        order_discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (order_discount_minor >= 0),
        subtotal_minor       INTEGER NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
        discount_minor       INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
        total_minor          INTEGER NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
        tax_minor            INTEGER NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
        item_count           INTEGER NOT NULL DEFAULT 0 CHECK (item_count >= 0),
        revision             INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
        created_at           TEXT    NOT NULL,
        updated_at           TEXT    NOT NULL,
        held_at              TEXT,
        held_label           TEXT,
        completed_at         TEXT,
        voided_at            TEXT,
        is_demo              INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
      ) STRICT;
      -- The open cart: at most one draft per till.
      CREATE UNIQUE INDEX orders_one_draft ON orders (till_id) WHERE status = 'draft';
      CREATE UNIQUE INDEX orders_number ON orders (till_id, business_day, number) WHERE status = 'completed';
      -- Today's orders.
      CREATE INDEX orders_completed_at ON orders (completed_at);
      CREATE INDEX orders_held ON orders (held_at) WHERE status = 'held';

      CREATE TABLE order_lines (
        id                         INTEGER PRIMARY KEY,
        order_id                   INTEGER NOT NULL REFERENCES orders (id),
        -- Lines keep their snapshot when a product is deleted.
        product_id                 INTEGER REFERENCES products (id) ON DELETE SET NULL,
        barcode                    TEXT    NOT NULL,
        name                       TEXT    NOT NULL,
        name_en                    TEXT    NOT NULL DEFAULT '',
        unit_price_minor           INTEGER NOT NULL CHECK (unit_price_minor >= 0),
        quantity                   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 9999),
        tax_rate_bp                INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
        gross_minor                INTEGER NOT NULL DEFAULT 0 CHECK (gross_minor >= 0),
        line_discount_minor        INTEGER NOT NULL DEFAULT 0 CHECK (line_discount_minor >= 0),
        order_discount_share_minor INTEGER NOT NULL DEFAULT 0 CHECK (order_discount_share_minor >= 0),
        total_minor                INTEGER NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
        tax_minor                  INTEGER NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
        position                   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX order_lines_order ON order_lines (order_id, position);
      -- Keeps ON DELETE SET NULL from scanning every line when demo products are cleared.
      CREATE INDEX order_lines_product ON order_lines (product_id);

      CREATE TABLE payments (
        id             INTEGER PRIMARY KEY,
        order_id       INTEGER NOT NULL REFERENCES orders (id),
        method         TEXT    NOT NULL,
        status         TEXT    NOT NULL,
        amount_minor   INTEGER NOT NULL CHECK (amount_minor >= 0),
        tendered_minor INTEGER CHECK (tendered_minor >= 0),
        change_minor   INTEGER CHECK (change_minor >= 0),
        staff_id       TEXT,
        created_at     TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX payments_order ON payments (order_id);

      -- What happened, in order. Never rewritten: the triggers refuse UPDATE and DELETE.
      CREATE TABLE journal (
        id         INTEGER PRIMARY KEY,
        at         TEXT    NOT NULL,
        kind       TEXT    NOT NULL,
        order_id   INTEGER,
        payment_id INTEGER,
        data       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data))
      ) STRICT;
      CREATE INDEX journal_order ON journal (order_id) WHERE order_id IS NOT NULL;
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    `);
  },

  // 2: a sale writes less. The day's next order number comes from an index instead of a scan of every
  // order that day: unique on the number's value (numbers are always the zero-padded integer, so this is
  // the same rule as before), and max(CAST(number AS INTEGER)) for a till and day reads one entry.
  // Orders not yet completed (every new cart) no longer get an entry in orders_completed_at.
  (db) => {
    db.exec(`
      DROP INDEX orders_number;
      CREATE UNIQUE INDEX orders_day_number ON orders (till_id, business_day, CAST(number AS INTEGER))
        WHERE status = 'completed';
      DROP INDEX orders_completed_at;
      CREATE INDEX orders_completed_at ON orders (completed_at) WHERE completed_at IS NOT NULL;
    `);
  },

  // 3: scan to pay. Payments become persisted state machines (one row per attempt, with our trade number
  // written before the provider is called), refunds get their own idempotent numbers, each till counts its
  // trade attempts, and an order's number is reserved when its first wallet payment starts (the customer
  // display and the phone page show it), so numbers are unique over every order that has one.
  (db) => {
    db.exec(`
      CREATE TABLE payments_v3 (
        id                INTEGER PRIMARY KEY,
        order_id          INTEGER NOT NULL REFERENCES orders (id),
        method            TEXT    NOT NULL CHECK (method IN ('cash', 'qr', 'payment_code', 'bank_qr')),
        status            TEXT    NOT NULL CHECK (status IN ('created', 'pending', 'unknown', 'closing', 'paid',
                            'failed', 'expired', 'cancelled', 'refunded', 'partially_refunded')),
        amount_minor      INTEGER NOT NULL CHECK (amount_minor >= 0),
        tendered_minor    INTEGER CHECK (tendered_minor >= 0),
        change_minor      INTEGER CHECK (change_minor >= 0),
        staff_id          TEXT,
        created_at        TEXT    NOT NULL,
        provider          TEXT,
        -- Our merchant trade number (out_trade_no); never reused, not even after a reinstall.
        trade_number      TEXT,
        provider_ref      TEXT,
        qr_content        TEXT,
        expires_at        TEXT,
        settled_at        TEXT,
        confirmed_by_hand INTEGER NOT NULL DEFAULT 0 CHECK (confirmed_by_hand IN (0, 1)),
        -- The customer's payment code, masked; the full code is never stored.
        masked_code       TEXT,
        reason            TEXT,
        attention         TEXT    CHECK (attention IN ('late_payment', 'abandoned', 'unsettled')),
        refunded_minor    INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
        is_demo           INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        updated_at        TEXT    NOT NULL,
        CHECK (method = 'cash' OR trade_number IS NOT NULL)
      ) STRICT;
      INSERT INTO payments_v3 (id, order_id, method, status, amount_minor, tendered_minor, change_minor, staff_id,
        created_at, updated_at)
        SELECT id, order_id, method, status, amount_minor, tendered_minor, change_minor, staff_id, created_at,
          created_at FROM payments;
      DROP TABLE payments;
      ALTER TABLE payments_v3 RENAME TO payments;
      CREATE INDEX payments_order ON payments (order_id);
      CREATE UNIQUE INDEX payments_trade_number ON payments (trade_number) WHERE trade_number IS NOT NULL;
      -- At most one open trade per order, whatever the code above it does.
      CREATE UNIQUE INDEX payments_one_open ON payments (order_id)
        WHERE status IN ('created', 'pending', 'unknown', 'closing');
      CREATE INDEX payments_attention ON payments (attention) WHERE attention IS NOT NULL;

      CREATE TABLE refunds (
        id            INTEGER PRIMARY KEY,
        -- Ours (out_refund_no), stored before the provider is asked: a repeat is the same refund.
        refund_number TEXT    NOT NULL UNIQUE,
        payment_id    INTEGER NOT NULL REFERENCES payments (id),
        amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
        status        TEXT    NOT NULL CHECK (status IN ('requested', 'processing', 'refunded', 'failed')),
        reason        TEXT,
        created_at    TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX refunds_payment ON refunds (payment_id);

      -- Counters that must never go back, e.g. 'trade:T1' (a till's payment attempts).
      CREATE TABLE sequences (
        name  TEXT    PRIMARY KEY,
        value INTEGER NOT NULL CHECK (value >= 0)
      ) STRICT;

      DROP INDEX orders_day_number;
      CREATE UNIQUE INDEX orders_day_number ON orders (till_id, business_day, CAST(number AS INTEGER))
        WHERE number <> '';
    `);
  },

  // 4: INSERT OR REPLACE (and REPLACE INTO) over a journal row deletes the old row without firing DELETE
  // triggers, so the append-only guard had a hole. An insert may never name an id that is already there;
  // an UPSERT is refused by the same trigger before its DO UPDATE is considered.
  (db) => {
    db.exec(`
      CREATE TRIGGER journal_no_replace BEFORE INSERT ON journal
        WHEN EXISTS (SELECT 1 FROM journal WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    `);
  },

  // 5: catalog imports in slices. A big CSV import writes its products a slice (one short transaction) at a
  // time, so it never holds the till; each slice also logs, per product, what to put back. A failed import,
  // or one a killed process left running, is undone from that log, which keeps an import all or nothing.
  // At most one import runs at a time.
  (db) => {
    db.exec(`
      CREATE TABLE catalog_imports (
        id         INTEGER PRIMARY KEY,
        status     TEXT    NOT NULL CHECK (status IN ('running', 'done', 'rolled_back')),
        started_at TEXT    NOT NULL,
        ended_at   TEXT
      ) STRICT;
      CREATE UNIQUE INDEX catalog_imports_one_running ON catalog_imports (status) WHERE status = 'running';

      CREATE TABLE catalog_import_undo (
        id          INTEGER PRIMARY KEY,
        import_id   INTEGER NOT NULL REFERENCES catalog_imports (id),
        product_id  INTEGER NOT NULL,
        -- The product before the import wrote it, every column (JSON); NULL when the import created it.
        before_json TEXT    CHECK (before_json IS NULL OR json_valid(before_json)),
        -- A fingerprint of the row as the import left it: a product changed since (by hand) is left alone.
        after_key   TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX catalog_import_undo_import ON catalog_import_undo (import_id, id);
    `);
  },

  // 6: payment groups. "QR pay" puts one QR trade per wallet on the display side by side (Alipay and WeChat
  // Pay), and a payment code scanned meanwhile joins the same group: group_id links the trades of one checkout
  // round, so that the first paid closes the others and any other found paid later is refunded. One open
  // trade per order becomes one per order, wallet and method (a QR being closed may overlap the code charge).
  (db) => {
    db.exec(`
      ALTER TABLE payments ADD COLUMN group_id INTEGER;
      DROP INDEX payments_one_open;
      CREATE UNIQUE INDEX payments_one_open ON payments (order_id, IFNULL(provider, ''), method)
        WHERE status IN ('created', 'pending', 'unknown', 'closing');
      CREATE INDEX payments_group ON payments (group_id) WHERE group_id IS NOT NULL;
    `);
  },

  // 7: why a refund did not go through, as the provider's code (WeChat Pay ABNORMAL / CLOSED): the attention
  // list says what to do about it in the provider's merchant platform.
  (db) => {
    db.exec('ALTER TABLE refunds ADD COLUMN failure TEXT');
  },

  // 8: weighed goods from price/weight scale labels (GS1 in-store codes, see shared/scale.ts). A product sold by
  // weight has its price per kilogram; a line sold from a label keeps the weight the label carried (NULL for
  // counted goods), its quantity 1 and its unit price the label's amount.
  (db) => {
    db.exec(`
      ALTER TABLE products ADD COLUMN sold_by_weight INTEGER NOT NULL DEFAULT 0 CHECK (sold_by_weight IN (0, 1));
      ALTER TABLE order_lines ADD COLUMN weight_g INTEGER CHECK (weight_g IS NULL OR weight_g > 0);
    `);
  },

  // 9: receipts as stored print jobs, written in the transaction that completes the order. A job is pending
  // until its first byte is written, then sent, and done once the printer took all of it; one that may have
  // printed (sent when the till stopped) or waited too long is offered to the cashier instead of printed. `bytes` is what the first send writes (with
  // the drawer kick for a cash sale); `retry_bytes`, when set, what any later send writes (never a kick).
  (db) => {
    db.exec(`
      CREATE TABLE print_jobs (
        id           INTEGER PRIMARY KEY,
        order_id     INTEGER REFERENCES orders (id),
        kind         TEXT    NOT NULL CHECK (kind IN ('sale', 'reprint', 'drawer')),
        status       TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'done', 'offered', 'dismissed')),
        offer_reason TEXT    CHECK (offer_reason IN ('maybe_printed', 'too_old', 'late_sale')),
        kick         INTEGER NOT NULL DEFAULT 0 CHECK (kick IN (0, 1)),
        bytes        BLOB    NOT NULL,
        retry_bytes  BLOB,
        printer      TEXT    NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error   TEXT,
        created_at   TEXT    NOT NULL,
        sent_at      TEXT
      ) STRICT;
      CREATE INDEX print_jobs_status ON print_jobs (status, id);
      CREATE INDEX print_jobs_order ON print_jobs (order_id);
    `);
  },

  // 10: the journal becomes an HMAC chain (journal-chain.ts): each new row's mac covers its content and the
  // previous row's mac; `segment` says which chain segment (one per data key) it belongs to. Rows written
  // before this have no mac: the migration cannot know the key, so the till seals them at its next start
  // (JournalRepo.chainWith, segment reason 'upgraded'), since UPDATE stays refused.
  (db) => {
    db.exec(`
      ALTER TABLE journal ADD COLUMN mac TEXT;
      ALTER TABLE journal ADD COLUMN segment INTEGER;
      CREATE TABLE journal_segments (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT    NOT NULL,
        entry_id    INTEGER NOT NULL,
        fingerprint TEXT    NOT NULL,
        reason      TEXT    NOT NULL CHECK (reason IN ('first', 'key_changed', 'upgraded'))
      ) STRICT;
      CREATE TRIGGER journal_segments_no_update BEFORE UPDATE ON journal_segments
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
      CREATE TRIGGER journal_segments_no_delete BEFORE DELETE ON journal_segments
        BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
    `);
  },

  // 11: staff accounts: owner and cashiers with scrypt-hashed PINs
  // (never in clear), one owner at most, the owner's recovery code as a hash too, and the till's wrong-PIN
  // count and lock in a table so that a restart does not reset them.
  (db) => {
    db.exec(`
      CREATE TABLE staff (
        id            INTEGER PRIMARY KEY,
        name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
        role          TEXT    NOT NULL CHECK (role IN ('owner', 'cashier')),
        pin_hash      BLOB    NOT NULL CHECK (length(pin_hash) = 32),
        pin_salt      BLOB    NOT NULL CHECK (length(pin_salt) = 16),
        recovery_hash BLOB    CHECK (recovery_hash IS NULL OR length(recovery_hash) = 32),
        recovery_salt BLOB    CHECK (recovery_salt IS NULL OR length(recovery_salt) = 16),
        active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at    TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX staff_one_owner ON staff (role) WHERE role = 'owner';

      -- key: 'till' (PINs typed at this till) or 'recovery' (the owner's recovery code).
      CREATE TABLE pin_attempts (
        key          TEXT    PRIMARY KEY,
        failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
        locked_until TEXT,
        updated_at   TEXT    NOT NULL
      ) STRICT;
    `);
  },

  // 12: refund receipts and printed reports (shift report, Z) go through the same print queue: two more job
  // kinds, and the page's HTML stored with the job for system: printers (a report has no order to draw it from).
  // Orders remember who rang them up (the receipt names the cashier; the journal has the rest).
  (db) => {
    db.exec(`
      CREATE TABLE print_jobs_v12 (
        id           INTEGER PRIMARY KEY,
        order_id     INTEGER REFERENCES orders (id),
        kind         TEXT    NOT NULL CHECK (kind IN ('sale', 'reprint', 'drawer', 'refund', 'report')),
        status       TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'done', 'offered', 'dismissed')),
        offer_reason TEXT    CHECK (offer_reason IN ('maybe_printed', 'too_old', 'late_sale')),
        kick         INTEGER NOT NULL DEFAULT 0 CHECK (kick IN (0, 1)),
        bytes        BLOB    NOT NULL,
        retry_bytes  BLOB,
        html         TEXT,
        printer      TEXT    NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error   TEXT,
        created_at   TEXT    NOT NULL,
        sent_at      TEXT
      ) STRICT;
      INSERT INTO print_jobs_v12 (id, order_id, kind, status, offer_reason, kick, bytes, retry_bytes, printer,
        attempts, last_error, created_at, sent_at)
        SELECT id, order_id, kind, status, offer_reason, kick, bytes, retry_bytes, printer, attempts, last_error,
          created_at, sent_at FROM print_jobs;
      DROP TABLE print_jobs;
      ALTER TABLE print_jobs_v12 RENAME TO print_jobs;
      CREATE INDEX print_jobs_status ON print_jobs (status, id);
      CREATE INDEX print_jobs_order ON print_jobs (order_id);

      ALTER TABLE orders ADD COLUMN staff_id INTEGER REFERENCES staff (id);
      ALTER TABLE orders ADD COLUMN staff_name TEXT;
    `);
  },

  // 13: refunds by line (electron/till/refunds.ts). A refund ticket ("T1-R0001") is what the cashier did: which
  // lines, how many, who, approved by whom. Its money moves as `refunds` rows, one per payment it goes back to
  // (cash ones too, so every refund of money is a row there); `cash_instead` marks a part paid from the drawer
  // for a payment whose provider refused (or a bank QR, which no provider refunds): the reports count it as cash.
  (db) => {
    db.exec(`
      CREATE TABLE refund_tickets (
        id               TEXT    PRIMARY KEY,
        number           TEXT    NOT NULL UNIQUE,
        order_id         INTEGER NOT NULL REFERENCES orders (id),
        by_id            INTEGER NOT NULL,
        by_name          TEXT    NOT NULL,
        approved_by_id   INTEGER,
        approved_by_name TEXT,
        approval_id      TEXT,
        reason           TEXT,
        total_minor      INTEGER NOT NULL CHECK (total_minor >= 0),
        -- processing: a wallet part is still on its way; needs_cash: a provider refused a part (cash offered).
        status           TEXT    NOT NULL CHECK (status IN ('processing', 'needs_cash', 'done')),
        created_at       TEXT    NOT NULL,
        updated_at       TEXT    NOT NULL,
        -- When its wallet parts had their first answers and its receipt was queued; NULL: the till stopped before.
        answered_at      TEXT
      ) STRICT;
      CREATE INDEX refund_tickets_order ON refund_tickets (order_id);
      CREATE INDEX refund_tickets_open ON refund_tickets (status) WHERE status <> 'done';

      CREATE TABLE refund_lines (
        ticket_id     TEXT    NOT NULL REFERENCES refund_tickets (id),
        order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
        quantity      INTEGER NOT NULL CHECK (quantity > 0),
        amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
        PRIMARY KEY (ticket_id, order_line_id)
      ) STRICT;
      CREATE INDEX refund_lines_line ON refund_lines (order_line_id);

      ALTER TABLE refunds ADD COLUMN ticket_id TEXT REFERENCES refund_tickets (id);
      ALTER TABLE refunds ADD COLUMN cash_instead INTEGER NOT NULL DEFAULT 0 CHECK (cash_instead IN (0, 1));
      CREATE INDEX refunds_ticket ON refunds (ticket_id) WHERE ticket_id IS NOT NULL;
    `);
  },

  // 14: the Z report (日结). One frozen row per till and business day, numbered by a sequence that never repeats
  // or skips; triggers refuse UPDATE and DELETE. Indexes let a Z read only its range's rows: payments by the
  // moment the money moved, refunds by when they completed, voids by when, and the journal by kind and time.
  (db) => {
    db.exec(`
      CREATE TABLE z_reports (
        id                TEXT    PRIMARY KEY,
        till_id           TEXT    NOT NULL,
        number            INTEGER NOT NULL CHECK (number >= 1),
        business_day      TEXT    NOT NULL,
        made_at           TEXT    NOT NULL,
        made_by_id        INTEGER,
        made_by_name      TEXT,
        approved_by_id    INTEGER,
        approved_by_name  TEXT,
        -- The instants covered, half-open [from_at, to_at): from the previous Z's to_at.
        from_at           TEXT    NOT NULL,
        to_at             TEXT    NOT NULL,
        figures           TEXT    NOT NULL CHECK (json_valid(figures)),
        -- The journal chain's head mac when the Z was made (NULL before the chain exists).
        chain_head        TEXT,
        grand_total_minor INTEGER NOT NULL,
        UNIQUE (till_id, number),
        UNIQUE (till_id, business_day)
      ) STRICT;
      CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports
        BEGIN SELECT RAISE(ABORT, 'a Z report is frozen'); END;
      CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports
        BEGIN SELECT RAISE(ABORT, 'a Z report is frozen'); END;
      -- When the money moved: settled_at, or created_at for cash (recorded as it is taken).
      CREATE INDEX payments_moved_at ON payments (IFNULL(settled_at, created_at));
      CREATE INDEX refunds_done_at ON refunds (updated_at) WHERE status = 'refunded';
      CREATE INDEX orders_voided_at ON orders (voided_at) WHERE voided_at IS NOT NULL;
      CREATE INDEX journal_kind_at ON journal (kind, at);
    `);
  },

  // 15: shifts (交班): one drawer session per till, opened with a counted float and closed with a blind count;
  // the report is frozen at close. `counts_after`: money that moved after it counts in this shift (the previous
  // shift's close, so a payment settling between two shifts lands in the next one and never in two).
  // Cash put in or taken out of the drawer during a shift, with a reason and who did it.
  (db) => {
    db.exec(`
      CREATE TABLE shifts (
        id               TEXT    PRIMARY KEY,
        till_id          TEXT    NOT NULL,
        number           TEXT    NOT NULL UNIQUE,
        opened_by_id     INTEGER NOT NULL REFERENCES staff (id),
        opened_by_name   TEXT    NOT NULL,
        opened_at        TEXT    NOT NULL,
        counts_after     TEXT    NOT NULL,
        float_minor      INTEGER NOT NULL CHECK (float_minor >= 0),
        float_count      TEXT    NOT NULL CHECK (json_valid(float_count)),
        carried_in       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(carried_in)),
        closed_by_id     INTEGER REFERENCES staff (id),
        closed_by_name   TEXT,
        closed_at        TEXT,
        counted_minor    INTEGER CHECK (counted_minor >= 0),
        count            TEXT    CHECK (count IS NULL OR json_valid(count)),
        expected_minor   INTEGER,
        difference_minor INTEGER,
        report           TEXT    CHECK (report IS NULL OR json_valid(report)),
        carried_over     TEXT    CHECK (carried_over IS NULL OR json_valid(carried_over)),
        CHECK ((closed_at IS NULL) = (report IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX shifts_one_open ON shifts (till_id) WHERE closed_at IS NULL;
      CREATE INDEX shifts_till_opened ON shifts (till_id, opened_at);
      -- A closed shift's report is frozen.
      CREATE TRIGGER shifts_closed_frozen BEFORE UPDATE ON shifts WHEN OLD.closed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a closed shift is frozen'); END;
      CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
        BEGIN SELECT RAISE(ABORT, 'shifts are kept'); END;

      CREATE TABLE cash_movements (
        id          TEXT    PRIMARY KEY,
        shift_id    TEXT    NOT NULL REFERENCES shifts (id),
        kind        TEXT    NOT NULL CHECK (kind IN ('in', 'out')),
        amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
        reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
        by_id       INTEGER NOT NULL REFERENCES staff (id),
        by_name     TEXT    NOT NULL,
        at          TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX cash_movements_shift ON cash_movements (shift_id, at);
      -- A shift's money is read through migration 14's indexes: payments_moved_at, refunds_done_at.
      CREATE TRIGGER cash_movements_no_update BEFORE UPDATE ON cash_movements
        BEGIN SELECT RAISE(ABORT, 'cash movements are kept as made'); END;
      CREATE TRIGGER cash_movements_no_delete BEFORE DELETE ON cash_movements
        BEGIN SELECT RAISE(ABORT, 'cash movements are kept as made'); END;
    `);
  },
  // 16: the providers' daily bills, for reconciliation (electron/till/reconcile.ts): one row per provider and
  // Beijing date with what the last fetch found. Only 'ready' is final; 'not_ready', 'none' and 'error' are
  // fetched again. rows: the bill's rows (BillRow JSON) when ready.
  (db) => {
    db.exec(`
      CREATE TABLE provider_bills (
        id         TEXT    PRIMARY KEY,
        provider   TEXT    NOT NULL,
        bill_date  TEXT    NOT NULL,
        state      TEXT    NOT NULL CHECK (state IN ('ready', 'not_ready', 'none', 'error')),
        message    TEXT,
        rows       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(rows)),
        fetched_at TEXT    NOT NULL,
        UNIQUE (provider, bill_date)
      ) STRICT;
      CREATE INDEX provider_bills_open ON provider_bills (state) WHERE state <> 'ready';
    `);
  },
  // 17: kept pieces of long reports (electron/till/reports.ts): the sums of a stretch of time that has ended, so a
  // year's report adds up months instead of a million lines again. A cache: deleting rows loses nothing.
  (db) => {
    db.exec(`
      CREATE TABLE report_pieces (
        till_id TEXT NOT NULL,
        from_at TEXT NOT NULL,
        to_at   TEXT NOT NULL,
        data    TEXT NOT NULL,
        made_at TEXT NOT NULL,
        PRIMARY KEY (till_id, from_at, to_at)
      ) STRICT, WITHOUT ROWID;
    `);
  },
];

export const SCHEMA_VERSION = migrations.length;

export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `This data was written by a newer Tillpoint (schema ${found}); this version knows up to ${known}. ` +
        'Update Tillpoint or open another data folder.',
    );
    this.name = 'SchemaTooNewError';
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings `db` up to `list.length`, one transaction per step; refuses a database from the future. */
export function migrate(db: Database, list: readonly Migration[] = migrations): number {
  const check = () => {
    const v = schemaVersion(db);
    if (v > list.length) throw new SchemaTooNewError(v, list.length);
    return v;
  };
  check();
  for (;;) {
    // IMMEDIATE takes the write lock first, so two processes opening the same folder never both migrate.
    const done = db
      .transaction(() => {
        const v = check();
        if (v >= list.length) return true;
        list[v](db);
        db.pragma(`user_version = ${v + 1}`);
        return false;
      })
      .immediate();
    if (done) return list.length;
  }
}
