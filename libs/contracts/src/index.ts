export * from './customer-profile.dto';
