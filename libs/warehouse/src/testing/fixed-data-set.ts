/**
 * A small data set whose analyses are computed BY HAND in the specs (warehouse-queries.int-spec.ts); keep the two in
 * step. Six customers, 22 touchpoints, 8 orders. Alfa's first purchase is recorded LAST (late recording): until it
 * arrives, alfa's mail opened on 02-01 belongs to the prospect alfa seemed to be; afterwards to the new customer alfa
 * was — the warehouse must re-point that fact.
 *
 *   customer  size        events (occurredAt, UTC)
 *   alfa      small       01-05 registered · 01-10 mail sent · [recorded last] 01-20 purchase A1 600 · 02-01 mail opened ·
 *                         02-15 purchase A2 100 · 03-03 NPS 9
 *   beta      medium      01-08 registered · 01-25 quote requested · 01-26 quote sent 1000 · 02-10 purchase B1 460 ·
 *                         02-12 10:00 complaint filed · 02-12 20:00 resolved (service)
 *   gamma     small       02-01 registered · 02-20 purchase C1 100 · 03-20 purchase C2 520
 *   delta     large       03-01 registered · 03-05 website visit (no department)
 *   epsilon   enterprise  2024-12-01 registered · 2024-12-15 purchase E1 300 · 03-10 purchase E2 360
 *   zeta      medium      01-02 registered · 01-03 purchase F1 30
 * (dates 2025 unless given; every touchpoint recorded by marketing-sales unless noted)
 */
import type { OrderLine } from '@klantcentraal/domain';
import { envelope, type Envelope } from './warehouse-fixtures';

export const SKU = {
  printer: 'PRINTER-MFP',
  toner: 'TONER-BLACK',
  paper: 'PAPER-A4',
  coffeeMachine: 'COFFEE-MACHINE',
  beans: 'BEANS-1KG',
} as const;

const line = (sku: string, category: string | undefined, quantity: number, unitPrice: number): OrderLine =>
  category === undefined ? { sku, quantity, unitPrice } : { sku, category, quantity, unitPrice };

const purchase = (orderId: string, occurredAt: string, lines: OrderLine[]) =>
  envelope('PurchaseMade', { orderId, lines, total: lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0), currency: 'EUR' }, occurredAt);

const registered = (name: string, size: 'small' | 'medium' | 'large' | 'enterprise', occurredAt: string) =>
  envelope('ProspectRegistered', { name, size }, occurredAt);

export function fixedDataSet(): Record<string, Envelope[]> {
  const a1 = purchase('A1', '2025-01-20T12:00:00Z', [line(SKU.printer, 'printers', 1, 500), line(SKU.toner, 'supplies', 2, 50)]);
  return {
    alfa: [
      registered('Alfa BV', 'small', '2025-01-05T10:00:00Z'),
      envelope('MailSent', { mailId: 'M-1', campaignId: 'winter' }, '2025-01-10T09:00:00Z'),
      envelope('MailOpened', { mailId: 'M-1' }, '2025-02-01T09:00:00Z'),
      purchase('A2', '2025-02-15T12:00:00Z', [line(SKU.toner, 'supplies', 1, 50), line(SKU.paper, 'paper', 5, 10)]),
      envelope('NpsResponded', { surveyId: 'S-1', score: 9, improvement: 'Nothing, thanks' }, '2025-03-03T08:00:00Z'),
      a1, // recorded late: after things that happened later
    ],
    beta: [
      registered('Beta NV', 'medium', '2025-01-08T10:00:00Z'),
      envelope('QuoteRequested', { quoteId: 'Q-1', expectedWithinDays: 2 }, '2025-01-25T10:00:00Z'),
      envelope('QuoteSent', { quoteId: 'Q-1', amount: 1000, currency: 'EUR' }, '2025-01-26T10:00:00Z'),
      purchase('B1', '2025-02-10T10:00:00Z', [line(SKU.printer, 'printers', 1, 400), line(SKU.toner, 'supplies', 1, 60)]),
      envelope('ComplaintFiled', { complaintId: 'CP-1', category: 'delivery', severity: 'high' }, '2025-02-12T10:00:00Z', 'service'),
      envelope('ComplaintResolved', { complaintId: 'CP-1' }, '2025-02-12T20:00:00Z', 'service'),
    ],
    gamma: [
      registered('Gamma', 'small', '2025-02-01T10:00:00Z'),
      purchase('C1', '2025-02-20T10:00:00Z', [line(SKU.paper, 'paper', 10, 10)]),
      // The paper line names no category: the product's category comes from an earlier line (alfa's A2).
      purchase('C2', '2025-03-20T10:00:00Z', [line(SKU.printer, 'printers', 1, 450), line(SKU.toner, 'supplies', 1, 50), line(SKU.paper, undefined, 2, 10)]),
    ],
    delta: [registered('Delta', 'large', '2025-03-01T10:00:00Z'), envelope('WebsiteVisited', { url: '/printers' }, '2025-03-05T10:00:00Z', null)],
    epsilon: [
      registered('Epsilon', 'enterprise', '2024-12-01T10:00:00Z'),
      purchase('E1', '2024-12-15T10:00:00Z', [line(SKU.coffeeMachine, 'coffee', 1, 300)]),
      purchase('E2', '2025-03-10T10:00:00Z', [line(SKU.coffeeMachine, 'coffee', 1, 300), line(SKU.beans, 'coffee', 3, 20)]),
    ],
    zeta: [registered('Zeta', 'medium', '2025-01-02T10:00:00Z'), purchase('F1', '2025-01-03T10:00:00Z', [line(SKU.paper, 'paper', 3, 10)])],
  };
}
