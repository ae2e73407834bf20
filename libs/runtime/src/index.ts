export * from './database';
export * from './shutdown';
