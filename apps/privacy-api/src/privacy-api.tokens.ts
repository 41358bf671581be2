/** Injection tokens of PrivacyApiModule (see PrivacyApiModule.register). */
export const PRIVACY_POOL = Symbol('PRIVACY_POOL');
export const PRIVACY_EVENT_STORE = Symbol('PRIVACY_EVENT_STORE');
export const ERASURES = Symbol('ERASURES');
