/**
 * The core node types, one definition per file. Other node families append theirs here.
 */
import type { AnyNodeDef } from '../sdk';
import { loadImage } from './load-image';
import { preview } from './preview';
import { saveFrames } from './save-frames';
import { testPattern } from './test-pattern';
import { videoOut } from './video-out';

export const coreNodes: AnyNodeDef[] = [testPattern, loadImage, preview, saveFrames, videoOut];
