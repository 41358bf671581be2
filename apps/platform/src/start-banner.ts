import type { RunningPlatform } from './platform';

/**
 * What `npm start` prints once it serves: where everything is, and the dev keys. Example URLs name a demo customer
 * only when the store holds one; with DEMO_DATA=0 (or an own data set) they show the placeholder instead.
 */
export function startBanner(platform: Pick<RunningPlatform, 'url' | 'keys' | 'keysFile' | 'exampleCustomerId'>): string {
  const u = platform.url;
  const customer = platform.exampleCustomerId ?? '{customerId}';
  const lines = [
    '',
    `Klantcentraal is running on ${u}`,
    `  web console   ${u}/   (sign in with one of the API keys below)`,
    `  API docs      ${u}/docs   (OpenAPI: ${u}/openapi.json)`,
    `  health        ${u}/health/ready`,
    `  ingest        POST ${u}/v1/customers/{customerId}/events   POST ${u}/v1/events`,
    `  profiles      GET  ${u}/v1/customers/${customer}   GET ${u}/v1/customers?phase=loyal-customer`,
    `  insights      GET  ${u}/v1/insights/nps   …/complaints   …/lifecycle   …/funnel   …/experience`,
    `  live feed     GET  ${u}/v1/feed?accountManager=u-3   (Server-Sent Events; or: npm run feed -- --account-manager u-3)`,
    `  audit         GET  ${u}/v1/audit/customers/${customer}/events   …/state?asOf=…&basis=recorded   …/verify`,
    `  metrics       GET  ${u}/metrics   (role admin)`,
    ...(platform.exampleCustomerId ? [] : ['', 'No demo data in this store (DEMO_DATA=0): record your own customers first.']),
    '',
    platform.keysFile ? `API keys (generated; kept in ${platform.keysFile}):` : 'API keys: from API_KEYS',
    ...(platform.keysFile ? platform.keys.map((k) => `  ${k.roles.join(',').padEnd(8)} ${k.key}`) : []),
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}
