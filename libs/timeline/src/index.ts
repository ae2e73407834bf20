export * from './timeline';
export * from './record-item';
