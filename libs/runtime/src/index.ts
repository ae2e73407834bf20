export * from './database';
export * from './shutdown';
export * from './auth';
