import { INSIGHT_TYPES, isInsightType, type InsightType } from '@klantcentraal/domain';
import { validationException } from '@klantcentraal/http';

/** Which insights a feed connection gets: null means "any". */
export type FeedFilter = Readonly<{
  accountManager: string | null;
  types: readonly InsightType[] | null;
}>;

/** One insight as the feed delivers it: outbox order (`seq`), what filters select, and the CloudEvent JSON. */
export type FeedItem = Readonly<{
  seq: number;
  id: string;
  /** The insight type name (`customer-at-risk`); the CloudEvent `type` is `insight.<type>`. */
  type: string;
  accountManager: string | null;
  /** The CloudEvent, serialised: the SSE `data` line, identical to the Kafka message value. */
  cloudEvent: string;
}>;

export const matches = (filter: FeedFilter, item: Pick<FeedItem, 'type' | 'accountManager'>): boolean =>
  (filter.accountManager === null || item.accountManager === filter.accountManager) &&
  (filter.types === null || (filter.types as readonly string[]).includes(item.type));

/**
 * `types=customer-at-risk,detractor-responded` (the CloudEvent form `insight.customer-at-risk` is accepted too);
 * absent means every type. A 400 names each unknown type.
 */
export function parseInsightTypes(raw: string | undefined): InsightType[] | null {
  if (raw === undefined) return null;
  const names = raw.split(',').map((name) => name.trim().replace(/^insight\./, ''));
  const unknown = names.filter((name) => !isInsightType(name));
  if (names.every((name) => name === '')) {
    throw validationException([{ path: 'types', message: `must name at least one insight type: ${INSIGHT_TYPES.join(', ')}` }]);
  }
  if (unknown.length > 0) {
    throw validationException(
      unknown.map((name) => ({
        path: 'types',
        message: `unknown insight type ${JSON.stringify(name)}; known types: ${INSIGHT_TYPES.join(', ')}`,
      })),
    );
  }
  return [...new Set(names as InsightType[])];
}
