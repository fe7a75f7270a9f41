export * from './dataurl.js';
export * from './fragment.js';
export * from './parts.js';
export * from './inline.js';
