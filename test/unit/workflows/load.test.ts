import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { saveWorkflow } from '../../../workflows/canonical';
import { MAX_WORKFLOW_DEPTH } from '../../../workflows/json-text';
import { loadWorkflow, MAX_PROBLEMS, parseWorkflow } from '../../../workflows/load';
import { WorkflowError } from '../../../workflows/problems';
import type { WorkflowProblem } from '../../../workflows/problems';
import { baseDocument } from './helpers';

const BASE = saveWorkflow(baseDocument());

function problemsOf(input: string | Uint8Array): WorkflowProblem[] {
  const r = parseWorkflow(input);
  assert.equal(r.ok, false, 'expected the document to be rejected');
  if (r.ok) return [];
  assert.ok(r.problems.length > 0);
  return r.problems;
}

function only(input: string | Uint8Array): WorkflowProblem {
  const p = problemsOf(input);
  assert.equal(p.length, 1, p.map((x) => x.message).join('\n'));
  return p[0];
}

function withText(edit: (text: string) => string): string {
  const out = edit(BASE);
  assert.notEqual(out, BASE, 'the edit must change the text');
  return out;
}

describe('parseWorkflow: text and JSON', () => {
  test('accepts a saved document, with or without a BOM, as text or bytes', () => {
    for (const input of [BASE, '\uFEFF' + BASE, new TextEncoder().encode('\uFEFF' + BASE)]) {
      const r = parseWorkflow(input);
      assert.ok(r.ok);
      assert.equal(r.migrated, false);
      assert.deepEqual(r.doc, baseDocument());
    }
  });

  test('a truncated file says it is cut short, with line and column', () => {
    const cut = BASE.slice(0, BASE.indexOf('"sampler": {') + 40);
    const p = only(cut);
    assert.equal(p.code, 'parse');
    assert.match(p.message, /cut short/);
    const lines = cut.split('\n');
    assert.equal(p.line, lines.length);
    assert.equal(p.column, lines[lines.length - 1].length + 1);
    assert.match(p.message, new RegExp(`line ${p.line}, column ${p.column}`));
    assert.match(only('').message, /empty/);
    assert.match(only('{"schemaVersion": 1, "nodes": {').message, /cut short/);
    assert.match(only('{"schemaVersion": 1, "nodes": {"a": tr').message, /cut short/);
    assert.match(only('{"schemaVersion": 1.').message, /cut short/);
  });

  test('a syntax error names what is wrong and where', () => {
    const p = only('{\n  "schemaVersion": 1,\n  "nodes": {} "edges": []\n}');
    assert.equal(p.code, 'parse');
    assert.match(p.message, /expected ',' or '\}'/);
    assert.deepEqual([p.line, p.column], [3, 15]);
    assert.match(only('{"a": 1,}').message, /trailing comma/);
    assert.match(only('{"a": NaN}').message, /NaN is not a valid JSON number/);
    assert.match(only('{"a": -Infinity}').message, /Infinity is not a valid JSON number/);
    assert.match(only("{'a': 1}").message, /double quotes/);
    assert.match(only('{"a": 1} // note').message, /after the end/);
    assert.match(only('{"a": "line\nbreak"}').message, /not closed before the end of the line/);
    assert.match(only('{"a": 012}').message, /invalid number/);
  });

  test('binary garbage is reported as such, never as a crash', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    assert.match(only(png).message, /PNG image/);
    const bad = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const p = only(bad);
    assert.equal(p.code, 'parse');
    assert.match(p.message, /not UTF-8.*0xC3 at offset 6/);
    assert.match(only(new Uint8Array([0, 1, 2, 3, 0xff])).message, /binary file/);
    assert.match(only('\u0000\u0001garbage').message, /binary file/);
    assert.match(only(new Uint8Array([0x7b, 0xe2, 0x82])).message, /not UTF-8/); // cut multi-byte sequence
  });

  test('JSON that is not an object', () => {
    for (const [text, kind] of [
      ['[1, 2]', 'an array'],
      ['42', 'a number'],
      ['null', 'null'],
      ['"hi"', 'a string'],
    ] as const) {
      const p = only(text);
      assert.equal(p.code, 'schema');
      assert.deepEqual(p.path, []);
      assert.match(p.message, new RegExp(`holds ${kind}, not a workflow object`));
    }
  });

  test('nesting deeper than the limit is refused before anything recursive runs', () => {
    const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    // The document, nodes, a node and its values are 4 levels: values may nest 60 more.
    const ok = withText((t) => t.replace('"fps": 16', `"fps": ${nested(MAX_WORKFLOW_DEPTH - 4)}`));
    assert.ok(parseWorkflow(ok).ok);
    const tooDeep = withText((t) => t.replace('"fps": 16', `"fps": ${nested(MAX_WORKFLOW_DEPTH - 3)}`));
    const p = only(tooDeep);
    assert.equal(p.code, 'parse');
    assert.match(p.message, /nested deeper than 64 levels/);
    assert.match(only(nested(100_000)).message, /nested deeper/);
  });

  test('large files are syntax-checked first and still say where they break', () => {
    const doc = baseDocument();
    doc.meta!.thumbnail = 'data:image/png;base64,' + 'A'.repeat(1_500_000);
    const big = saveWorkflow(doc);
    const r = parseWorkflow(big);
    assert.ok(r.ok);
    assert.equal(r.doc.meta!.thumbnail!.length, doc.meta!.thumbnail.length);
    const deep = big.replace('"fps": 16', `"fps": ${'['.repeat(1000)}`);
    const p = only(deep);
    assert.match(p.message, /nested deeper than 64 levels at line \d+, column \d+/);
    assert.match(only(big.slice(0, -100)).message, /cut short/);
  });

  test('refuses a file over the size limit without reading it', () => {
    const big = new Uint8Array(64 * 1024 * 1024 + 1).fill(0x20);
    const p = only(big);
    assert.equal(p.code, 'parse');
    assert.match(p.message, /too large.*64 MiB/);
  });
});

describe('parseWorkflow: versions', () => {
  test('a newer schema is refused with the exact sentence', () => {
    const p = only(withText((t) => t.replace('"schemaVersion": 1', '"schemaVersion": 7')));
    assert.equal(p.code, 'future_version');
    assert.equal(
      p.message,
      'This workflow was saved by a newer Wan Studio (schema 7); this build reads up to 1.',
    );
    assert.deepEqual(p.path, ['schemaVersion']);
  });

  test('a missing or non-integer schemaVersion is named', () => {
    for (const v of ['"1"', '1.5', '-1', 'null']) {
      const p = only(withText((t) => t.replace('"schemaVersion": 1', `"schemaVersion": ${v}`)));
      assert.deepEqual(p.path, ['schemaVersion']);
      assert.match(p.message, /schemaVersion must be a whole number/);
    }
    const missing = only(withText((t) => t.replace('"schemaVersion": 1,', '')));
    assert.match(missing.message, /schemaVersion is missing/);
  });

  test('a ComfyUI file gets a hint rather than a list of schema errors', () => {
    const comfy = JSON.stringify({
      last_node_id: 3,
      last_link_id: 1,
      nodes: [{ id: 1, type: 'KSampler', widgets_values: [1] }],
      links: [],
      version: 0.4,
    });
    assert.match(only(comfy).message, /ComfyUI workflow/);
    const api = JSON.stringify({ '3': { class_type: 'KSampler', inputs: { seed: 1 } } });
    assert.match(only(api).message, /ComfyUI workflow/);
  });
});

describe('parseWorkflow: schema problems', () => {
  test('reports every problem at once, each pinned to its node, input or edge', () => {
    const doc = JSON.parse(BASE) as unknown;
    const set = (path: (string | number)[], value: unknown): void => {
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], doc);
      (parent as Record<string | number, unknown>)[path[path.length - 1]] = value;
    };
    set(['nodes', 'sampler', 'values', 'steps'], 'many');
    set(['nodes', 'sampler', 'position', 'x'], '400');
    set(['nodes', 'out', 'version'], 0);
    set(['nodes', 'decode', 'colour'], 'red');
    set(['edges', 2, 'to', 'node'], 'no such id!');
    set(['nodes', 'bad id'], baseDocument().nodes.decode);
    const text = JSON.stringify(doc).replace('"fps":16', '"fps":1e400');
    const problems = problemsOf(text);
    const find = (path: (string | number)[]) => {
      const p = problems.find((x) => JSON.stringify(x.path) === JSON.stringify(path));
      assert.ok(p, `no problem at ${path.join('.')}: ${problems.map((x) => x.message).join(' | ')}`);
      assert.equal(p.code, 'schema');
      return p;
    };
    // steps is a JSON value: a string is fine for the document schema (the validator checks types).
    const x = find(['nodes', 'sampler', 'position', 'x']);
    assert.equal(x.node, 'sampler');
    assert.equal(x.message, 'Node "sampler": position.x should be a number, not "400".');
    const fps = find(['nodes', 'out', 'values', 'fps']);
    assert.equal(fps.node, 'out');
    assert.equal(fps.input, 'fps');
    assert.match(fps.message, /input "fps" is a number too large for JSON/);
    assert.match(
      find(['nodes', 'out', 'version']).message,
      /Node "out": version must be at least 1 \(got 0\)/,
    );
    assert.match(find(['nodes', 'decode', 'colour']).message, /Node "decode": colour is not a known field/);
    const edge = find(['edges', 2, 'to', 'node']);
    assert.equal(edge.edge, 'e3');
    assert.match(edge.message, /^Edge "e3" \(edges\[2\]\): to.node is not valid: ids use letters/);
    const id = find(['nodes', 'bad id']);
    assert.match(id.message, /"bad id" is not a valid node id: ids use letters/);
    assert.equal(problems.length, 6);
  });

  test('wrong types for whole sections', () => {
    const p = problemsOf('{"schemaVersion": 1, "nodes": [], "edges": {}, "extra": true}');
    assert.deepEqual(
      p.map((x) => x.message),
      [
        'Workflow: nodes should be an object, not an array.',
        'Workflow: edges should be an array, not an object.',
        'Workflow: extra is not a known field.',
      ],
    );
  });

  test('a bad parameter name says what names may hold', () => {
    const doc = baseDocument();
    doc.meta!.params!['2fast'] = { node: 'sampler', input: 'steps' };
    const p = only(saveWorkflow(doc));
    assert.equal(
      p.message,
      '"2fast" is not a valid parameter name: names start with a letter or _ and use only letters, digits and _.',
    );
    assert.deepEqual([p.node, p.input], ['sampler', 'steps']);
  });

  test('duplicate edge ids are refused', () => {
    const doc = baseDocument();
    doc.edges[3].id = 'e1';
    const p = only(saveWorkflow(doc));
    assert.equal(p.edge, 'e1');
    assert.match(p.message, /repeats the id of edges\[0\]/);
  });

  test('__proto__ and constructor keys never become prototypes', () => {
    const text = withText((t) =>
      t
        .replace('"fps": 16', '"__proto__": {"polluted": true}, "fps": 16')
        .replace(
          '"nodes": {',
          '"nodes": {"constructor": {"type": "x", "version": 1, "position": {"x": 0, "y": 0}, "values": {}},',
        ),
    );
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => p.path),
      [
        ['nodes', 'constructor'],
        ['nodes', 'out', 'values', '__proto__'],
      ],
    );
    assert.ok(problems.every((p) => /reserved name/.test(p.message)));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('the number of problems is capped', () => {
    const doc = JSON.parse(BASE) as { edges: unknown[] };
    doc.edges = Array.from({ length: 500 }, () => 7);
    const p = problemsOf(JSON.stringify(doc));
    assert.equal(p.length, MAX_PROBLEMS);
    assert.match(p[MAX_PROBLEMS - 1].message, /and 401 more problems/);
  });
});

describe('loadWorkflow', () => {
  test('returns the document', () => {
    assert.deepEqual(loadWorkflow(BASE), baseDocument());
  });

  test('throws a WorkflowError carrying every problem, prefixed with the source', () => {
    assert.throws(
      () => loadWorkflow('{"schemaVersion": 1, "nodes": [], "edges": {}}', { source: 'flow.json' }),
      (e: unknown) =>
        e instanceof WorkflowError &&
        e.problems.length === 2 &&
        e.message.startsWith('flow.json: 2 problems:'),
    );
    try {
      loadWorkflow('{"schemaVersion": 9}', { source: 'flow.json' });
      assert.fail('should have thrown');
    } catch (e) {
      assert.ok(e instanceof WorkflowError);
      assert.equal(
        e.message,
        'flow.json: This workflow was saved by a newer Wan Studio (schema 9); this build reads up to 1.',
      );
    }
  });
});
