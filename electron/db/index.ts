// Storage: open the till's database and get one repository per aggregate.
import type { Database } from 'better-sqlite3';
import { CatalogImportsRepo } from './catalog-imports';
import { JournalRepo } from './journal';
import { OrdersRepo } from './orders';
import { PaymentsRepo } from './payments';
import { PrintJobsRepo } from './print-jobs';
import { ProductsRepo } from './products';
import { RefundsRepo } from './refunds';
import { SettingsRepo } from './settings';
import { ShiftsRepo } from './shifts';
import { StaffRepo } from './staff';

export { DB_FILENAME, openDatabase } from './database';
export { migrate, migrations, SCHEMA_VERSION, SchemaTooNewError, schemaVersion } from './migrations';
export type { JournalEntry, JournalKind } from './journal';
export type { LineRow, NewLine, OrderRow } from './orders';
export type { ImportStatus, UndoEntry } from './catalog-imports';
export type { NewPrintJob, PrintJob, PrintJobKind, PrintJobStatus } from './print-jobs';
export type { ProductRecord, StoredProduct } from './products';
export type { PinAttempts, StaffRow } from './staff';
export type { RefundLineRow, RefundTicketRow, TicketRefundRow } from './refunds';
export type { CashMovementRow, ShiftRow } from './shifts';
export type { JournalNote, NewAttempt, PaymentFields, PaymentRow, RefundRow } from './payments';

export interface Repos {
  products: ProductsRepo;
  orders: OrdersRepo;
  payments: PaymentsRepo;
  journal: JournalRepo;
  settings: SettingsRepo;
  catalogImports: CatalogImportsRepo;
  printJobs: PrintJobsRepo;
  staff: StaffRepo;
  refunds: RefundsRepo;
  shifts: ShiftsRepo;
}

/** Prepares every statement once; call after the database is migrated. */
export function createRepos(db: Database): Repos {
  const journal = new JournalRepo(db);
  return {
    products: new ProductsRepo(db),
    orders: new OrdersRepo(db),
    payments: new PaymentsRepo(db, journal),
    journal,
    settings: new SettingsRepo(db),
    catalogImports: new CatalogImportsRepo(db),
    printJobs: new PrintJobsRepo(db),
    staff: new StaffRepo(db),
    refunds: new RefundsRepo(db),
    shifts: new ShiftsRepo(db),
  };
}

export {
  CatalogImportsRepo,
  JournalRepo,
  OrdersRepo,
  PaymentsRepo,
  PrintJobsRepo,
  ProductsRepo,
  RefundsRepo,
  SettingsRepo,
  ShiftsRepo,
  StaffRepo,
};
