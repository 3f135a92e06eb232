import { DEMO, E2E_SCAN_GAP_MS, expect, test } from './fixtures';

/** A person at the keyboard: keys further apart than the detector joins into one entry (4 × the gap). */
const PERSON_DELAY_MS = 5 * E2E_SCAN_GAP_MS;

test('an unknown barcode shows a message naming it and adds nothing', async ({ cashier, page }) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scan('6900000000000');
  await expect(page.getByTestId('toast')).toContainText('6900000000000');
  await expect(cashier.lines()).toHaveCount(1);
  // Not blocking: the next scan still works.
  await cashier.scanAndSee(DEMO.latte.barcode);
});

test('a scan into the search box adds the product and leaves the search as it was', async ({ cashier, page }) => {
  const search = page.getByTestId('search-input');
  await search.click();
  await page.keyboard.type('lat', { delay: PERSON_DELAY_MS });
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await expect(search).toHaveValue('lat');
});

test('the same digits typed slowly by a person are a search, not a scan', async ({ cashier, page }) => {
  const search = page.getByTestId('search-input');
  await search.click();
  await page.keyboard.type(DEMO.americano.barcode, { delay: PERSON_DELAY_MS });
  await expect(search).toHaveValue(DEMO.americano.barcode);
  await expect(page.getByTestId('product-tile')).toHaveCount(1);
  await expect(cashier.lines()).toHaveCount(0);
});

test("a scan's Enter never presses the focused button", async ({ cashier, page }) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  // Focus the Void button; a scan's Enter must not open the void confirmation.
  await page.getByTestId('void-button').focus();
  await cashier.scanAndSee(DEMO.americano.barcode, 2);
  await expect(page.getByTestId('void-confirm')).toHaveCount(0);
});

test('3* then a scan sets quantity 3', async ({ cashier, page }) => {
  await page.keyboard.type('3*', { delay: PERSON_DELAY_MS });
  await expect(page.getByTestId('pending-quantity')).toContainText('3');
  await cashier.scanAndSee(DEMO.croissant.barcode, 3);
  await expect(cashier.total()).toHaveText('¥36.00');
});

test('a scan works while a Chinese IME is on (keys arrive as "Process")', async ({ cashier, page }) => {
  // With Microsoft Pinyin or Sogou active, Chromium reports key "Process"; the digit is only in `code`.
  await page.evaluate((code) => {
    // Stamped 5 ms apart, as a scanner types: a busy CI machine that pauses this loop must not stretch the gaps
    // the till measures (a first key 80 ms before the next one would be typing, not a scan).
    let at = performance.now();
    const fire = (key: string, c: string) => {
      for (const type of ['keydown', 'keyup']) {
        const e = new KeyboardEvent(type, { key, code: c, bubbles: true, cancelable: true });
        Object.defineProperty(e, 'timeStamp', { value: at });
        document.activeElement?.dispatchEvent(e);
      }
      at += 5;
    };
    for (const ch of code) fire('Process', `Digit${ch}`);
    fire('Enter', 'Enter');
  }, DEMO.latte.barcode);
  await expect(cashier.line(DEMO.latte.barcode)).toHaveCount(1);
});
