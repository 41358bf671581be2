export * from './events';
export * from './errors';
export * from './customer/customer-stream.state';
export * from './customer/record-touchpoints.decider';
