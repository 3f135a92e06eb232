import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ALERT_RULES, type Alert } from '../../../shared/alerts';
import { formatMoney } from '../../../shared/money';
import { resources } from '../i18n';
import { alertText } from './alertText';

const i18n = i18next.createInstance();
void i18n.init({ initAsync: false, resources, lng: 'en', interpolation: { escapeValue: false } });
const en = i18n.getFixedT('en');
const zh = i18n.getFixedT('zh-CN');
const money = (minor: number) => formatMoney(minor, 'CNY', 'en');

function alert(over: Partial<Alert>): Alert {
  return {
    id: 'x:1',
    rule: 'refund_over',
    at: '2026-12-04T09:00:00.000Z',
    severity: 'high',
    by: { id: 2, name: '小王' },
    approvedBy: { id: 1, name: 'Owner' },
    amountMinor: 35_000,
    orderId: 42,
    orderNumber: 'T1-0042',
    shiftNumber: 'T1-S0003',
    journalIds: [1],
    details: { thresholdMinor: 20_000 },
    ...over,
  };
}

describe('alertText', () => {
  it('says a refund with its amount, order, who and who approved', () => {
    expect(alertText(en, alert({}), money)).toBe(
      `Refund ${money(35_000)} on order T1-0042 (over ${money(20_000)}) by 小王, approved by Owner`,
    );
    expect(alertText(zh, alert({}), money)).toBe(
      `订单 T1-0042 退款 ${money(35_000)}，超过 ${money(20_000)}，操作人：小王，批准人：Owner`,
    );
  });

  it('tells a removed line from a lowered quantity, and names nobody when the till did it alone', () => {
    const removed = alert({
      rule: 'line_removed_after_total',
      approvedBy: null,
      amountMinor: 2200,
      details: { quantity: 0, was: 1 },
    });
    expect(alertText(en, removed, money)).toBe(
      `A line of ${money(2200)} taken off sale T1-0042 after the customer saw the total by 小王`,
    );
    const lowered = alert({
      rule: 'line_removed_after_total',
      by: null,
      approvedBy: null,
      amountMinor: 3600,
      details: { quantity: 1, was: 3 },
    });
    expect(alertText(en, lowered, money)).toBe(
      `Quantity lowered from 3 to 1 (${money(3600)}) on sale T1-0042 after the customer saw the total`,
    );
  });

  it('fills every rule without leftover placeholders, in both languages', () => {
    for (const rule of ALERT_RULES) {
      const a = alert({
        rule,
        details: {
          count: 3,
          windowMinutes: 10,
          thresholdMinor: 500_000,
          method: 'qr',
          wasMinor: 1800,
          why: 'entry 7 changed',
        },
      });
      for (const t of [en, zh]) {
        const text = alertText(t, a, money);
        expect(text).not.toMatch(/\{\{|alerts\./);
        expect(text.length).toBeGreaterThan(10);
      }
    }
    expect(
      alertText(
        en,
        alert({ rule: 'price_override', approvedBy: null, amountMinor: 100, details: { wasMinor: 1800 } }),
        money,
      ),
    ).toBe(`Price changed from ${money(1800)} to ${money(100)} on order T1-0042 by 小王`);
    expect(
      alertText(
        en,
        alert({
          rule: 'over_limit_attempt',
          approvedBy: null,
          amountMinor: 5400,
          details: { method: 'qr', thresholdMinor: 5000 },
        }),
        money,
      ),
    ).toBe(`QR payment of ${money(5400)} tried (over the ${money(5000)} limit per payment) by 小王`);
  });
});
