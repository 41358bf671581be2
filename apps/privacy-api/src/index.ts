export { PrivacyApiModule, type PrivacyApiOptions } from './privacy-api.module';
export { PERSONAL_DATA_ROUTES, type RoutePolicy } from './policy/personal-data.policy';
export { runPrivacyCli, type PrivacyCliIo } from './cli/privacy-cli';
