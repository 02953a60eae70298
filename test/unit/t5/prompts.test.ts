import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_NEGATIVE_PROMPT, effectiveNegativePrompt } from '../../../nodes/runtime/wan/t5/prompts';
import { GOLDEN_DIR } from '../../helpers/paths';

const manifestPath = join(GOLDEN_DIR, 'pipe_t2v_moe', 'manifest.json');

describe('default negative prompt', () => {
  test(
    'is the official sample_neg_prompt recorded by the pipeline golden case',
    { skip: existsSync(manifestPath) ? false : `no ${manifestPath}` },
    () => {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        params: { pipeline_config: { sample_neg_prompt: string } };
      };
      assert.equal(DEFAULT_NEGATIVE_PROMPT, m.params.pipeline_config.sample_neg_prompt);
    },
  );
  test('only an empty negative prompt selects the default', () => {
    assert.equal(effectiveNegativePrompt(''), DEFAULT_NEGATIVE_PROMPT);
    assert.equal(effectiveNegativePrompt(undefined), DEFAULT_NEGATIVE_PROMPT);
    assert.equal(effectiveNegativePrompt(' '), ' ');
    assert.equal(effectiveNegativePrompt('blurry'), 'blurry');
  });
});
