export * from './wire-item';
export * from './statement';
export * from './events';
export * from './ids';
export * from './canonical';
export * from './upcast';
