/**
 * How React Flow's node changes become editor state: a drag stays transient until it ends, a
 * dragged group carries its members, selection and measured sizes are reported once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeChange } from '@xyflow/react';
import { classifyNodeChanges, type NodeChangeState } from '../../../renderer/editor/node-changes';
import { groupFlowId, type FlowNode } from '../../../renderer/editor/flow-derive';

const idle: NodeChangeState = {
  measured: new Map([['a', { width: 100, height: 50 }]]),
  dragging: {},
  groupDrags: new Map(),
  selection: { nodes: ['a'], groups: [] },
};

test('a drag in flight is transient; its end commits the position and clears the transient one', () => {
  const moving = classifyNodeChanges(
    [{ type: 'position', id: 'a', position: { x: 10, y: 20 }, dragging: true }] as NodeChange<FlowNode>[],
    idle,
  );
  assert.deepEqual(moving.dragging, { a: { x: 10, y: 20 } });
  assert.deepEqual(moving.commits, {});
  const ended = classifyNodeChanges(
    [{ type: 'position', id: 'a', position: { x: 12, y: 24 } }] as NodeChange<FlowNode>[],
    { ...idle, dragging: moving.dragging },
  );
  assert.deepEqual(ended.commits, { a: { x: 12, y: 24 } });
  assert.deepEqual(ended.dragging, {});
});

test('a dragged group moves its member nodes by the same offset', () => {
  const g = groupFlowId('g1');
  const state: NodeChangeState = {
    ...idle,
    groupDrags: new Map([[g, { start: { x: 0, y: 0 }, members: [['m', { x: 5, y: 5 }]] }]]),
  };
  const r = classifyNodeChanges(
    [{ type: 'position', id: g, position: { x: 30, y: -10 }, dragging: false }] as NodeChange<FlowNode>[],
    state,
  );
  assert.deepEqual(r.groupCommits, { [g]: { x: 30, y: -10 } });
  assert.deepEqual(r.commits, { m: { x: 35, y: -5 } });
});

test('selection and measured sizes: only real changes are reported', () => {
  const r = classifyNodeChanges(
    [
      { type: 'select', id: 'a', selected: false },
      { type: 'select', id: groupFlowId('g1'), selected: true },
      { type: 'dimensions', id: 'a', dimensions: { width: 100, height: 50 } },
      { type: 'dimensions', id: 'b', dimensions: { width: 80, height: 40 } },
    ] as NodeChange<FlowNode>[],
    idle,
  );
  assert.deepEqual(r.selection, { nodes: [], groups: ['g1'] });
  assert.deepEqual([...r.measured], [['b', { width: 80, height: 40 }]]);
  assert.equal(r.dragging, undefined);
});
