export { FeedGatewayModule, type FeedGatewayOptions } from './feed-gateway.module';
export { InsightFeed } from './feed/insight-feed';
