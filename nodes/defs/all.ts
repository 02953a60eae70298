/** Every node type the app ships, in catalog order. */
import type { AnyNodeDef } from '../sdk';
import { coreNodes } from './index';
import { wanNodes } from './wan-index';

export const allNodes: readonly AnyNodeDef[] = [...coreNodes, ...wanNodes];
