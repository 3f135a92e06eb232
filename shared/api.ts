// THE API contract. Every method's input and output schema and every push event live here; the main
// router, the headless host, the preload and the renderer's client all derive from this one object.
import { z } from 'zod';
import {
  AppInfo,
  Barcode,
  DisplayState,
  HeldOrder,
  Id,
  ImportPreview,
  Minor,
  Order,
  Product,
  ProductInput,
  Quantity,
  Settings,
} from './domain';

const Empty = z.object({}).strict();
const Csv = z.string().max(5_000_000);

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const api = {
  'app.info': method(Empty, AppInfo),

  'settings.get': method(Empty, Settings),
  'settings.update': method(Settings.partial().strict(), Settings),

  'catalog.clearDemo': method(Empty, z.object({ removedProducts: z.number().int() })),
  'catalog.categories': method(Empty, z.array(z.object({ name: z.string(), count: z.number().int() }))),

  'products.lookup': method(z.object({ barcode: Barcode }).strict(), Product.nullable()),
  'products.search': method(
    z
      .object({
        query: z.string().max(64).default(''),
        category: z.string().max(40).optional(),
        includeInactive: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(60),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      })
      .strict(),
    z.object({ items: z.array(Product), total: z.number().int() }),
  ),
  'products.save': method(ProductInput.strict(), Product),
  'products.importPreview': method(z.object({ csv: Csv }).strict(), ImportPreview),
  'products.import': method(
    z.object({ csv: Csv }).strict(),
    z.object({
      created: z.number().int(),
      updated: z.number().int(),
      skipped: z.number().int(),
      preview: ImportPreview,
    }),
  ),
  'products.exportCsv': method(Empty, z.object({ csv: z.string(), filename: z.string() })),

  'cart.get': method(Empty, Order),
  'cart.scan': method(z.object({ barcode: Barcode, quantity: Quantity.default(1) }).strict(), Order),
  'cart.addProduct': method(z.object({ productId: Id, quantity: Quantity.default(1) }).strict(), Order),
  'cart.setQuantity': method(z.object({ lineId: Id, quantity: Quantity }).strict(), Order),
  'cart.removeLine': method(z.object({ lineId: Id }).strict(), Order),
  'cart.setLineDiscount': method(z.object({ lineId: Id, discountMinor: Minor }).strict(), Order),
  'cart.setOrderDiscount': method(z.object({ discountMinor: Minor }).strict(), Order),
  'cart.void': method(Empty, Order),
  'cart.hold': method(z.object({ label: z.string().trim().max(40).optional() }).strict(), Order),
  'cart.recall': method(z.object({ orderId: Id }).strict(), Order),
  'orders.held': method(Empty, z.array(HeldOrder)),

  'checkout.cash': method(
    z.object({ tenderedMinor: Minor }).strict(),
    z.object({ order: Order, changeMinor: Minor, cart: Order }),
  ),
  'orders.today': method(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(Order)),

  'display.get': method(Empty, DisplayState),
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
export type MethodInput<M extends MethodName> = z.input<Api[M]['input']>;
/** The input after validation and defaults: what handlers receive. */
export type MethodArgs<M extends MethodName> = z.output<Api[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Api[M]['output']>;
export const METHOD_NAMES = Object.keys(api) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(api, name);
}

export const events = {
  'cart.changed': Order,
  'display.changed': DisplayState,
  'catalog.changed': z.object({ reason: z.enum(['saved', 'imported', 'demoCleared']) }),
  'settings.changed': Settings,
  'orders.changed': z.object({ orderId: Id, status: z.string() }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'FORBIDDEN',
  'UNKNOWN_BARCODE',
  'PRODUCT_NOT_FOUND',
  'PRODUCT_INACTIVE',
  'BARCODE_TAKEN',
  'LINE_NOT_FOUND',
  'ORDER_NOT_FOUND',
  'ORDER_NOT_HELD',
  'CART_EMPTY',
  'TENDERED_TOO_LOW',
  'DISCOUNT_TOO_LARGE',
  'AMOUNT_TOO_LARGE',
  'CSV_INVALID',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface ApiError {
  code: ErrorCode;
  /** English, for logs and API clients; the UI shows its own translation of `code` with `params`. */
  message: string;
  params?: Record<string, string | number>;
  /** For INVALID_INPUT: which field and why. */
  issues?: { path: string; message: string }[];
}

/** Every reply, over IPC and HTTP alike. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown by handlers for an expected refusal; the router turns it into `{ok:false}`. */
export class TillError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'TillError';
  }
}

/** What the preload exposes as `window.tillpoint`, and what the browser client implements over HTTP. */
export interface TillpointBridge {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** IPC channel for push events (methods use their own names as channels). */
export const EVENT_CHANNEL = 'tillpoint:event';
