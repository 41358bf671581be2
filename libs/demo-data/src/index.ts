export * from './demo-data.generator';
export * from './demo-data.fingerprint';
export * from './load-demo-data';
export { PRODUCTS, PRODUCT_CATEGORIES, ACCOUNT_MANAGERS, type Product, type ProductCategory } from './demo-data.catalogue';
