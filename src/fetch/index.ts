export * from './address.js';
export * from './policy.js';
export * from './fetcher.js';
