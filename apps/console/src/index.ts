export { ensureConsoleAssets, sourceFingerprint, type ConsoleAssetsOptions } from './console-assets';
export { CONSOLE_ROUTE, serveConsole } from './serve-console';
