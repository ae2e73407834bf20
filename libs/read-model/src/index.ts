export * from './read-model.migrations';
export * from './timeline.projection';
export * from './read-model.queries';
export * from './audit.queries';
export * from './timeline.rebuild';
export * from './timeline.query';
export * from './poison';
export * from './log-read';
