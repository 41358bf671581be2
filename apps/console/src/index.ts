export { ensureConsoleAssets, sourceFingerprint, type ConsoleAssetsOptions } from './console-assets';
export { CONSOLE_CSP, CONSOLE_ROUTE, serveConsole } from './serve-console';
