// Add or edit one product. Checks what it can before sending; the till checks again.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Barcode, type Product } from '../../../shared/domain';
import { minorToDecimal, parseMoney } from '../../../shared/money';
import { request } from '../api/call';
import { Modal } from '../components/Modal';
import { useCatalog } from '../stores/catalog';
import { useSettings } from '../stores/settings';
import { showToast } from '../stores/ui';
import { moneyInputError } from './money';

/** "13" or "6.5" percent -> basis points, exactly; null if it is not a percentage with at most 2 decimals. */
export function parseTaxPercent(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim() || '0');
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

interface Props {
  product: Product | null;
  onClose: () => void;
  onSaved: () => void;
}

export function ProductEditDialog({ product, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const categories = useCatalog((s) => s.categories);
  const [form, setForm] = useState({
    barcode: product?.barcode ?? '',
    name: product?.name ?? '',
    nameEn: product?.nameEn ?? '',
    category: product?.category ?? '',
    price: product ? minorToDecimal(product.priceMinor, currency) : '',
    tax: product ? String(product.taxRateBp / 100) : '0',
    active: product?.active ?? true,
    soldByWeight: product?.soldByWeight ?? false,
  });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const price = parseMoney(form.price, currency);
  const taxBp = parseTaxPercent(form.tax);
  const errors = {
    barcode: !form.barcode.trim()
      ? t('product.required')
      : Barcode.safeParse(form.barcode).success
        ? null
        : t('product.barcodeFormat'),
    name: form.name.trim() ? null : t('product.required'),
    price: form.price.trim() ? moneyInputError(t, price, currency) : t('product.required'),
    tax: taxBp === null ? t('product.taxFormat') : null,
  };
  const invalid = Object.values(errors).some((e) => e !== null);

  const save = async () => {
    setTouched(true);
    if (invalid || busy || !price.ok || taxBp === null) return;
    setBusy(true);
    const saved = await request('products.save', {
      ...(product ? { id: product.id } : {}),
      barcode: form.barcode.trim(),
      name: form.name.trim(),
      nameEn: form.nameEn.trim(),
      category: form.category.trim(),
      priceMinor: price.minor,
      taxRateBp: taxBp,
      active: form.active,
      soldByWeight: form.soldByWeight,
    });
    setBusy(false);
    if (!saved) return;
    showToast({ kind: 'success', key: 'product.saved', params: { name: saved.name } });
    onSaved();
  };

  const err = (key: keyof typeof errors) =>
    touched && errors[key] ? (
      <small className="reason-error" data-testid={`product-${key}-error`}>
        {errors[key]}
      </small>
    ) : null;

  return (
    <Modal title={product ? t('product.editTitle') : t('product.addTitle')} onClose={onClose} testId="product-dialog">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          <span>{t('product.barcode')}</span>
          <input
            data-testid="product-barcode"
            data-scan="field"
            data-autofocus
            autoComplete="off"
            spellCheck={false}
            maxLength={32}
            value={form.barcode}
            onChange={(e) => set({ barcode: e.target.value })}
          />
          {err('barcode')}
        </label>
        <label className="field">
          <span>{t('product.name')}</span>
          <input
            data-testid="product-name"
            maxLength={80}
            value={form.name}
            onChange={(e) => set({ name: e.target.value })}
          />
          {err('name')}
        </label>
        <label className="field">
          <span>{t('product.nameEn')}</span>
          <input
            data-testid="product-name-en"
            maxLength={80}
            value={form.nameEn}
            onChange={(e) => set({ nameEn: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('product.category')}</span>
          <input
            data-testid="product-category"
            maxLength={40}
            list="product-categories"
            value={form.category}
            onChange={(e) => set({ category: e.target.value })}
          />
          <datalist id="product-categories">
            {categories.map((c) => (
              <option key={c.name} value={c.name} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>{form.soldByWeight ? t('product.pricePerKg') : t('product.price')}</span>
          <input
            data-testid="product-price"
            inputMode="decimal"
            autoComplete="off"
            value={form.price}
            onChange={(e) => set({ price: e.target.value })}
          />
          {err('price')}
        </label>
        <label className="field">
          <span>{t('product.tax')}</span>
          <input
            data-testid="product-tax"
            inputMode="decimal"
            value={form.tax}
            onChange={(e) => set({ tax: e.target.value })}
          />
          {err('tax')}
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="product-active"
            checked={form.active}
            onChange={(e) => set({ active: e.target.checked })}
          />
          <span>{t('product.active')}</span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="product-sold-by-weight"
            checked={form.soldByWeight}
            onChange={(e) => set({ soldByWeight: e.target.checked })}
          />
          <span>{t('product.soldByWeight')}</span>
        </label>
        <div className="button-row">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="product-save"
            disabled={busy || (touched && invalid)}
          >
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
