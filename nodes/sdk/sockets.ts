/**
 * Socket types: what flows along an edge. Pure data, importable by the renderer.
 */

export const SOCKET_TYPES = [
  'MODEL',
  'EXPERTS',
  'TEXT_ENCODER',
  'VAE',
  'CONDITIONING',
  'LATENT',
  'IMAGE',
  'VIDEO',
  'SCHEDULE',
  'STRING',
  'INT',
  'FLOAT',
  'BOOLEAN',
  'ENUM',
  'FILE',
] as const;

export type SocketType = (typeof SOCKET_TYPES)[number];

/** Types whose inputs carry a literal value (a widget) unless an edge feeds them. */
export const WIDGET_TYPES = ['STRING', 'INT', 'FLOAT', 'BOOLEAN', 'ENUM', 'FILE'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

export function isWidgetType(t: SocketType): t is WidgetType {
  return (WIDGET_TYPES as readonly string[]).includes(t);
}

/**
 * Whether an output of type `from` may feed an input of type `to`.
 * Exact matches, plus INT → FLOAT (lossless) and ENUM/FILE → STRING.
 */
export function socketCompatible(from: SocketType, to: SocketType): boolean {
  if (from === to) return true;
  if (from === 'INT' && to === 'FLOAT') return true;
  if ((from === 'ENUM' || from === 'FILE') && to === 'STRING') return true;
  if (from === 'STRING' && (to === 'ENUM' || to === 'FILE')) return true;
  return false;
}

/** One colour per socket type, shared by the editor and docs. */
export const SOCKET_COLORS: Record<SocketType, string> = {
  MODEL: '#b39ddb',
  EXPERTS: '#9575cd',
  TEXT_ENCODER: '#ffd54f',
  VAE: '#ef5350',
  CONDITIONING: '#ffa726',
  LATENT: '#f48fb1',
  IMAGE: '#64b5f6',
  VIDEO: '#4db6ac',
  SCHEDULE: '#aed581',
  STRING: '#90a4ae',
  INT: '#81c784',
  FLOAT: '#4dd0e1',
  BOOLEAN: '#e57373',
  ENUM: '#a1887f',
  FILE: '#fff176',
};
