/** Node types matching helpers.ts's base document, for override and validator tests (never executed). */
import { defineNode } from '../../../nodes/sdk/define';
import type { AnyNodeDef, InputSpec } from '../../../nodes/sdk/define';

const notRun = (): never => {
  throw new Error('test nodes are not executed in workflow-layer tests');
};

export const TEST_NODES: AnyNodeDef[] = [
  defineNode({
    id: 'test.experts',
    version: 1,
    category: 'test',
    title: 'Experts',
    description: 'Loads both experts',
    inputs: {
      high: { type: 'FILE', kind: 'model', folder: 'diffusion_models', default: 'high.safetensors' },
      low: { type: 'FILE', kind: 'model', folder: 'diffusion_models', default: 'low.safetensors' },
    },
    outputs: { experts: { type: 'EXPERTS' } },
    execute: notRun,
  }),
  defineNode({
    id: 'test.prompt',
    version: 1,
    category: 'test',
    title: 'Prompt',
    description: 'Encodes a prompt',
    inputs: {
      text: { type: 'STRING', default: '', multiline: true },
      negative: { type: 'STRING', default: '' },
    },
    outputs: { conditioning: { type: 'CONDITIONING' } },
    execute: notRun,
  }),
  defineNode({
    id: 'test.sampler',
    version: 2,
    category: 'test',
    title: 'Sampler',
    description: 'Samples',
    inputs: {
      experts: { type: 'EXPERTS' },
      conditioning: { type: 'CONDITIONING' },
      steps: { type: 'INT', default: 20, min: 1, max: 200 },
      cfg: { type: 'FLOAT', default: 5, min: 0, max: 30 },
      seed: { type: 'INT', default: 0, seed: true },
      sampler: { type: 'ENUM', options: ['unipc', 'euler'], default: 'unipc' },
      shift: { type: 'FLOAT', default: 12 },
      tiled: { type: 'BOOLEAN', default: false },
    },
    outputs: { latent: { type: 'LATENT' } },
    upgrade: (values) => values,
    execute: notRun,
  }),
  defineNode({
    id: 'test.decode',
    version: 1,
    category: 'test',
    title: 'Decode',
    description: 'Decodes',
    inputs: { latent: { type: 'LATENT' } },
    outputs: { video: { type: 'VIDEO' } },
    execute: notRun,
  }),
  defineNode({
    id: 'test.video_out',
    version: 1,
    category: 'test',
    title: 'Video out',
    description: 'Writes a video',
    output: true,
    inputs: {
      video: { type: 'VIDEO' },
      fps: { type: 'INT', default: 16, min: 1, max: 120 },
      filename: { type: 'STRING', default: 'out.mp4' },
    },
    outputs: {},
    execute: notRun,
  }),
];

const byId = new Map(TEST_NODES.map((d) => [d.id, d]));

export function testInputSpec(nodeType: string, input: string): InputSpec | undefined {
  const def = byId.get(nodeType);
  const inputs = def?.inputs;
  return inputs && Object.hasOwn(inputs, input) ? inputs[input] : undefined;
}
