// Left side: search box, category chips, product tiles.
import i18next from 'i18next';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { displayName, useLocale } from '../format';
import { setCategory, setSearchText, useCatalog } from '../stores/catalog';
import { useSettings } from '../stores/settings';
import { addFromSearch, addProduct, SEARCH_INPUT_ID } from './actions';
import { Kbd } from './Kbd';
import { SHORTCUTS } from './shortcuts';

/** Buttons that act without taking focus, so typing keeps going into the search box. */
const keepFocus = (e: React.MouseEvent) => e.preventDefault();

function SearchBox() {
  const { t } = useTranslation();
  const text = useCatalog((s) => s.text);
  return (
    <div className="search">
      <input
        id={SEARCH_INPUT_ID}
        className="search-input"
        data-testid="search-input"
        type="text"
        value={text}
        autoComplete="off"
        spellCheck={false}
        // biome-ignore lint/a11y/noAutofocus: a till starts ready to type or scan
        autoFocus
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        onChange={(e) => setSearchText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void addFromSearch();
          }
        }}
      />
      {text ? (
        <button
          type="button"
          className="search-clear"
          data-testid="search-clear"
          aria-label={t('search.clear')}
          onMouseDown={keepFocus}
          onClick={() => setSearchText('')}
        >
          ×
        </button>
      ) : (
        <span className="search-kbd">
          <Kbd k={SHORTCUTS.search} />
        </span>
      )}
    </div>
  );
}

function Categories() {
  const { t } = useTranslation();
  const categories = useCatalog((s) => s.categories);
  const current = useCatalog((s) => s.category);
  const chip = (name: string | null, label: string) => (
    <button
      key={name ?? ''}
      type="button"
      className={`chip${current === name ? ' chip-on' : ''}`}
      aria-pressed={current === name}
      data-testid="category-chip"
      data-category={name ?? ''}
      onMouseDown={keepFocus}
      onClick={() => setCategory(name)}
    >
      {label}
    </button>
  );
  return (
    <div className="chips" role="toolbar" aria-label={t('catalog.category')}>
      {chip(null, t('search.all'))}
      {categories.filter((c) => c.name).map((c) => chip(c.name, c.name))}
    </div>
  );
}

const ProductTile = memo(function ProductTile({
  product,
  currency,
  locale,
}: {
  product: Product;
  currency: string;
  locale: string;
}) {
  const name = displayName(product, locale);
  const other = locale.startsWith('zh') ? product.nameEn : product.name;
  return (
    <button
      type="button"
      className="tile"
      data-testid="product-tile"
      data-barcode={product.barcode}
      onMouseDown={keepFocus}
      onClick={() => void addProduct(product)}
    >
      <span className="tile-name">{name}</span>
      {other && other !== name && <span className="tile-sub">{other}</span>}
      <span className="tile-price">
        {product.soldByWeight
          ? i18next.t('product.perKg', { price: formatMoney(product.priceMinor, currency, locale) })
          : formatMoney(product.priceMinor, currency, locale)}
      </span>
    </button>
  );
});

function ProductGrid() {
  const { t } = useTranslation();
  const locale = useLocale();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const results = useCatalog((s) => s.results);
  const total = useCatalog((s) => s.total);
  return (
    <div className="grid-wrap">
      {results.length === 0 ? (
        <p className="empty" data-testid="product-empty">
          {t('search.noResults')}
        </p>
      ) : (
        <div className="grid" data-testid="product-grid">
          {results.map((p) => (
            <ProductTile key={p.id} product={p} currency={currency} locale={locale} />
          ))}
        </div>
      )}
      {total > results.length && (
        <p className="more" data-testid="product-more">
          {t('search.more', { shown: results.length, total })}
        </p>
      )}
    </div>
  );
}

export function ProductArea() {
  return (
    <section className="products">
      <SearchBox />
      <Categories />
      <ProductGrid />
    </section>
  );
}
