export * from './read-model.migrations';
export * from './timeline.projection';
export * from './read-model.queries';
