export * from './timeline';
export * from './record-item';
export * from './reextract';
