/** Test Pattern: animated frames from nothing, for trying the pipeline without a model. */
import { defineNode } from '../sdk';
import { TEST_PATTERNS, testPatternFrames, type TestPattern } from '../runtime/image/test-pattern';

export const testPattern = defineNode({
  id: 'source.test_pattern',
  version: 1,
  category: 'Sources',
  title: 'Test Pattern',
  description:
    'Animated frames (colour bars, gradient or checkerboard, a moving square and the frame number in binary in the top-left corner) for testing outputs without a model.',
  inputs: {
    width: { type: 'INT', default: 832, min: 16, max: 4096, step: 16 },
    height: { type: 'INT', default: 480, min: 16, max: 4096, step: 16 },
    frames: { type: 'INT', default: 33, min: 1, max: 1000, step: 1 },
    fps: { type: 'FLOAT', default: 16, min: 1, max: 120, step: 1 },
    pattern: { type: 'ENUM', options: TEST_PATTERNS, default: 'bars' },
  },
  outputs: {
    images: { type: 'IMAGE' },
  },
  persist: true,
  execute({ width, height, frames, fps, pattern }, ctx) {
    ctx.throwIfAborted();
    return { images: testPatternFrames({ width, height, frames, fps, pattern: pattern as TestPattern }) };
  },
});
