export * from './errors';
export * from './dates';
export * from './ninjs';
export * from './html-text';
