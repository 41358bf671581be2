export { PrivacyApiModule, type PrivacyApiOptions } from './privacy-api.module';
export { runPrivacyCli, type PrivacyCliIo } from './cli/privacy-cli';
