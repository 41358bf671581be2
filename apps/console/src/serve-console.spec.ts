import { API_PATH, CONSOLE_ROUTE } from './serve-console';

describe('console routes (the SPA fallback)', () => {
  it('covers every page the console links to, deep links included', () => {
    for (const route of ['/', '/customers', '/customers/', '/customers/c-00001', '/feed', '/warehouse', '/audit', '/audit/acme-42', '/privacy']) {
      expect([route, CONSOLE_ROUTE.test(route)]).toEqual([route, true]);
    }
  });

  it('never shadows the API, health, metrics, docs or unknown paths', () => {
    for (const route of ['/v1/customers', '/v1/customers/c-00001', '/health/ready', '/metrics', '/docs', '/openapi.json', '/customers/a/b', '/assets/x.js', '/feedx']) {
      expect([route, CONSOLE_ROUTE.test(route)]).toEqual([route, false]);
    }
  });

  it('keeps the static file handler off the API paths, and on the console files', () => {
    for (const route of ['/v1/customers/c-00001', '/v1/events', '/health/ready', '/health/live', '/metrics', '/docs', '/docs/swagger-ui.css', '/openapi.json']) {
      expect([route, API_PATH.test(route)]).toEqual([route, true]);
    }
    for (const route of ['/assets/index-abc123.js', '/favicon.svg', '/index.html', '/customers', '/v1x', '/healthy.png', '/documents.css']) {
      expect([route, API_PATH.test(route)]).toEqual([route, false]);
    }
  });
});
