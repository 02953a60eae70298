export * from './sockets';
export * from './values';
export * from './define';
