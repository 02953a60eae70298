/**
 * The workflow validator: every problem at once, each naming its node, input or edge.
 * Checks the document against the registry; it reads no files (missing files are run errors).
 */
import { socketCompatible } from '../sdk/sockets';
import type { WorkflowDocument } from '../../workflows/schema';
import type { WorkflowProblem } from '../../workflows/problems';
import { findCycles } from './cycles';
import { buildGraph, inputKey, nodeLabel, type Graph, type GraphNode } from './graph';
import { checkLiteral, isWidgetSpec, literalValue } from './literals';
import type { NodeRegistry } from './registry';

export interface ValidateOptions {
  /** Output node ids to run; default: every node whose type is an output node. */
  outputs?: string[];
}

export interface Analysis {
  graph: Graph;
  problems: WorkflowProblem[];
  /** The output nodes a run would produce (requested, or every output node by default). */
  outputs: string[];
}

export function validateWorkflow(
  doc: WorkflowDocument,
  registry: NodeRegistry,
  opts: ValidateOptions = {},
): WorkflowProblem[] {
  return analyzeWorkflow(doc, registry, opts).problems;
}

/** Validation plus the indexed graph and the resolved output list, for the run loop. */
export function analyzeWorkflow(
  doc: WorkflowDocument,
  registry: NodeRegistry,
  opts: ValidateOptions = {},
): Analysis {
  const graph = buildGraph(doc, registry);
  const problems: WorkflowProblem[] = [];
  for (const id of graph.ids) checkNode(graph, graph.nodes.get(id)!, problems);
  checkEdges(doc, graph, problems);
  checkCycles(doc, graph, problems);
  checkParams(doc, graph, problems);
  const outputs = checkOutputs(graph, opts.outputs, problems);
  return { graph, problems, outputs };
}

function checkNode(graph: Graph, g: GraphNode, problems: WorkflowProblem[]): void {
  const { id, def, node } = g;
  const at = ['nodes', id];
  if (!def) {
    problems.push({
      code: 'unknown_type',
      message: `Node "${id}" has the type "${node.type}", which this build of Wan Studio does not know.`,
      node: id,
      path: [...at, 'type'],
    });
    return;
  }
  const label = nodeLabel(g);
  if (node.version > def.version) {
    problems.push({
      code: 'future_node_version',
      message: `${label} was saved by version ${node.version} of its type; this build has version ${def.version}. Update Wan Studio to open it.`,
      node: id,
      path: [...at, 'version'],
    });
    return;
  }
  if (g.upgradeError !== undefined) {
    problems.push({
      code: 'migration',
      message: `${label}: its saved values (version ${node.version}) could not be upgraded to version ${def.version}: ${g.upgradeError}`,
      node: id,
      path: [...at, 'values'],
    });
    return;
  }
  for (const key of Object.keys(g.values)) {
    if (g.values[key] === undefined) continue;
    const spec = def.inputs[key];
    if (!spec) {
      problems.push({
        code: 'unknown_value',
        message: `${label} has a value for "${key}", which is not an input of this node type.`,
        node: id,
        input: key,
        path: [...at, 'values', key],
      });
    } else if (!isWidgetSpec(spec)) {
      problems.push({
        code: 'unknown_value',
        message: `${label}: input "${key}" (${spec.type}) only takes a link, but the workflow gives it a value.`,
        node: id,
        input: key,
        path: [...at, 'values', key],
      });
    }
  }
  for (const [name, spec] of Object.entries(def.inputs)) {
    const links = graph.incoming.get(inputKey(id, name));
    if (links && links.length > 1) {
      problems.push({
        code: 'duplicate_link',
        message: `${label}: input "${name}" has ${links.length} edges (${links.map((l) => `"${l.edge}"`).join(', ')}); an input takes only one.`,
        node: id,
        input: name,
        edge: links[1].edge,
        path: ['edges', links[1].edgeIndex],
      });
    }
    if (links && links.length > 0) continue;
    if (!isWidgetSpec(spec)) {
      if (!spec.optional) {
        problems.push({
          code: 'missing_input',
          message: `${label}: required input "${name}" (${spec.type}) is not connected.`,
          node: id,
          input: name,
          path: at,
        });
      }
      continue;
    }
    const issue = checkLiteral(spec, literalValue(spec, g.values, name));
    if (issue) {
      problems.push({
        code: issue.code,
        message: `${label}: input "${name}" ${issue.text}`,
        node: id,
        input: name,
        path: [...at, 'values', name],
      });
    }
  }
}

function checkEdges(doc: WorkflowDocument, graph: Graph, problems: WorkflowProblem[]): void {
  doc.edges.forEach((e, i) => {
    const path = ['edges', i];
    const from = graph.nodes.get(e.from.node);
    const to = graph.nodes.get(e.to.node);
    const dangling = (message: string, node?: string, input?: string): void => {
      problems.push({ code: 'dangling_edge', message, edge: e.id, node, input, path });
    };
    if (!from)
      dangling(
        `Edge "${e.id}" comes from node "${e.from.node}", which does not exist.`,
        e.to.node,
        e.to.input,
      );
    if (!to) dangling(`Edge "${e.id}" goes to node "${e.to.node}", which does not exist.`, e.from.node);
    const out = from?.def?.outputs[e.from.output];
    const inp = to?.def?.inputs[e.to.input];
    if (from?.def && !out) {
      dangling(`Edge "${e.id}": ${nodeLabel(from)} has no output "${e.from.output}".`, from.id);
    }
    if (to?.def && !inp) {
      dangling(`Edge "${e.id}": ${nodeLabel(to)} has no input "${e.to.input}".`, to.id, e.to.input);
    }
    if (from && to && out && inp && !socketCompatible(out.type, inp.type)) {
      problems.push({
        code: 'type_mismatch',
        message: `${nodeLabel(to)}: input "${e.to.input}" takes ${inp.type}, but edge "${e.id}" brings ${out.type} from output "${e.from.output}" of node "${from.id}".`,
        node: to.id,
        input: e.to.input,
        edge: e.id,
        path,
      });
    }
  });
}

function checkCycles(doc: WorkflowDocument, graph: Graph, problems: WorkflowProblem[]): void {
  // Fast path: Kahn's algorithm over node indices; only when some node is never freed is there
  // a cycle, and only then do we pay for naming it.
  const n = graph.ids.length;
  const indeg = new Int32Array(n);
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const e of doc.edges) {
    const from = graph.nodes.get(e.from.node);
    const to = graph.nodes.get(e.to.node);
    if (!from || !to) continue;
    succ[from.index].push(to.index);
    indeg[to.index]++;
  }
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    for (const j of succ[queue[q]]) if (--indeg[j] === 0) queue.push(j);
  }
  if (queue.length === n) return;
  const successors = (id: string): string[] => succ[graph.nodes.get(id)!.index].map((j) => graph.ids[j]);
  for (const cycle of findCycles(graph.ids, successors)) {
    const names = cycle.map((id) => `"${id}"`).join(', ');
    problems.push({
      code: 'cycle',
      message:
        cycle.length === 1
          ? `Node "${cycle[0]}" feeds its own input; a workflow must flow one way.`
          : `Nodes ${names} form a cycle; a workflow must flow one way.`,
      node: cycle[0],
      path: ['nodes', cycle[0]],
    });
  }
}

function checkParams(doc: WorkflowDocument, graph: Graph, problems: WorkflowProblem[]): void {
  const params = doc.meta?.params;
  if (!params) return;
  for (const [name, p] of Object.entries(params)) {
    const path = ['meta', 'params', name];
    const g = graph.nodes.get(p.node);
    const bad = (message: string): void => {
      problems.push({ code: 'bad_param', message, node: p.node, input: p.input, path });
    };
    if (!g) {
      bad(`Parameter "${name}" points at node "${p.node}", which does not exist.`);
      continue;
    }
    if (!g.def) continue; // unknown_type already reported
    const spec = g.def.inputs[p.input];
    if (!spec)
      bad(`Parameter "${name}" points at input "${p.input}" of ${nodeLabel(g)}, which has no such input.`);
    else if (!isWidgetSpec(spec)) {
      bad(
        `Parameter "${name}" points at input "${p.input}" of ${nodeLabel(g)}, which only takes a link, not a value.`,
      );
    }
  }
}

function checkOutputs(graph: Graph, requested: string[] | undefined, problems: WorkflowProblem[]): string[] {
  if (requested === undefined) {
    const outputs = graph.ids.filter((id) => graph.nodes.get(id)!.def?.output === true);
    const anyUnknown = graph.ids.some((id) => !graph.nodes.get(id)!.def);
    if (outputs.length === 0 && !anyUnknown) {
      problems.push({
        code: 'bad_output',
        message:
          'The workflow has no output node (such as a video output), so running it would produce nothing.',
      });
    }
    return outputs;
  }
  const outputs: string[] = [];
  for (const id of requested) {
    const g = graph.nodes.get(id);
    if (!g) {
      problems.push({
        code: 'bad_output',
        message: `The requested output "${id}" is not a node of this workflow.`,
        node: id,
      });
    } else if (g.def && g.def.output !== true) {
      problems.push({
        code: 'bad_output',
        message: `The requested output "${id}" (${g.node.type}) is not an output node.`,
        node: id,
      });
    } else if (!outputs.includes(id)) {
      outputs.push(id);
    }
  }
  return outputs;
}
