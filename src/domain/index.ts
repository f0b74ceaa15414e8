/** The shared state machine: statuses, stages, transitions, guards, permissions and stage mapping. Pure. */
export * from './actor';
export * from './adminRefusals';
export * from './allowedActions';
export * from './commands';
export * from './deal';
export * from './fields';
export * from './labels';
export * from './machine';
export * from './permissions';
export * from './refusals';
export * from './result';
export * from './stageMapping';
export * from './stages';
export * from './text';
export * from './vocabulary';
