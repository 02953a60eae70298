/** A realistic Wan 2.2 text-to-video workflow used as the base of the workflow-layer tests. */
import type { WorkflowDocument } from '../../../workflows/schema';

export function baseDocument(): WorkflowDocument {
  return {
    schemaVersion: 1,
    meta: {
      title: 'Text to video',
      description: 'Wan 2.2 T2V with two experts',
      params: {
        prompt: { node: 'prompt', input: 'text', label: 'Prompt' },
        seed: { node: 'sampler', input: 'seed' },
        steps: { node: 'sampler', input: 'steps' },
      },
    },
    nodes: {
      experts: {
        type: 'test.experts',
        version: 1,
        position: { x: 0, y: 0 },
        values: { high: 'high_noise.safetensors', low: 'low_noise.safetensors' },
      },
      prompt: {
        type: 'test.prompt',
        version: 1,
        title: 'Prompt',
        position: { x: 0, y: 200 },
        size: { width: 320, height: 180 },
        values: { text: 'a cat surfing a wave at sunset', negative: '' },
      },
      sampler: {
        type: 'test.sampler',
        version: 2,
        position: { x: 400, y: 100 },
        exposed: ['seed'],
        values: {
          steps: 20,
          cfg: 5.5,
          seed: 42,
          sampler: 'unipc',
          shift: 12.0,
          tiled: false,
          extra: { a: [1, 2, { z: null, b: true }] },
        },
      },
      decode: { type: 'test.decode', version: 1, position: { x: 800, y: 100 }, values: {} },
      out: {
        type: 'test.video_out',
        version: 1,
        position: { x: 1100, y: 100 },
        values: { fps: 16, filename: 'wan_####.mp4' },
      },
    },
    edges: [
      { id: 'e1', from: { node: 'experts', output: 'experts' }, to: { node: 'sampler', input: 'experts' } },
      {
        id: 'e2',
        from: { node: 'prompt', output: 'conditioning' },
        to: { node: 'sampler', input: 'conditioning' },
      },
      { id: 'e3', from: { node: 'sampler', output: 'latent' }, to: { node: 'decode', input: 'latent' } },
      { id: 'e4', from: { node: 'decode', output: 'video' }, to: { node: 'out', input: 'video' } },
    ],
    groups: [
      { id: 'g1', title: 'Models', color: '#335', bounds: { x: -20, y: -40, width: 380, height: 460 } },
    ],
  };
}
