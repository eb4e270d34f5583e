/**
 * A state machine's definition as a graph to draw: nodes are states (plus Start and End), edges are Next, Default,
 * Choices, Catch, the branches of a Parallel and the item processor of a Map. Pure: the UI bundles it, tests run it.
 */
import { graphlib, layout } from '@dagrejs/dagre';

export type NodeStatus = 'NOT_STARTED' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'CAUGHT' | 'FAILED';
export type EdgeKind = 'next' | 'default' | 'choice' | 'catch' | 'branch' | 'join';

export interface GraphNode {
  id: string;
  /** The ASL type, or `Start` / `End` for the two synthetic nodes. */
  type: string;
  /** The group (a Parallel's branches, a Map's item processor) that holds this state. */
  parent?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
}

/** A Parallel or Map state: its inner states are drawn in a box under it. */
export interface GraphGroup {
  id: string;
  state: string;
  label: string;
  parent?: string;
}

export interface StateGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

export const START = '__start__';
export const END = '__end__';

interface StatesBlock {
  StartAt?: string;
  States?: Record<string, AslState>;
}

interface AslState {
  Type?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next?: string; Variable?: string; [operator: string]: unknown }>;
  Catch?: Array<{ ErrorEquals?: string[]; Next?: string }>;
  Branches?: StatesBlock[];
  Iterator?: StatesBlock;
  ItemProcessor?: StatesBlock;
}

const TERMINAL_TYPES = new Set(['Succeed', 'Fail']);

export function buildGraph(definition: unknown): StateGraph {
  const graph: StateGraph = { nodes: [{ id: START, type: 'Start' }, { id: END, type: 'End' }], edges: [], groups: [] };
  const root = (definition ?? {}) as StatesBlock;
  if (root.StartAt) graph.edges.push({ from: START, to: root.StartAt, kind: 'next' });
  addBlock(graph, root, END, undefined);
  return graph;
}

/**
 * Adds a block's states. `exit` is where a state that ends the block leads: End for the machine, the enclosing
 * Parallel / Map state's Next (its join) for a branch.
 */
function addBlock(graph: StateGraph, block: StatesBlock, exit: string, parent: string | undefined): void {
  for (const [name, state] of Object.entries(block.States ?? {})) {
    graph.nodes.push({ id: name, type: state.Type ?? 'Unknown', ...(parent && { parent }) });
    const after = state.Next ?? exit;
    if (state.Type === 'Choice') {
      for (const choice of state.Choices ?? []) if (choice.Next) graph.edges.push({ from: name, to: choice.Next, kind: 'choice', label: describeChoice(choice) });
      if (state.Default) graph.edges.push({ from: name, to: state.Default, kind: 'default', label: 'Default' });
    } else if (state.Type === 'Parallel' || state.Type === 'Map') {
      const blocks = state.Type === 'Parallel' ? (state.Branches ?? []) : [state.ItemProcessor ?? state.Iterator ?? {}];
      const group = `${name}#inner`;
      graph.groups.push({ id: group, state: name, label: state.Type === 'Parallel' ? `${name}: branches` : `${name}: each item`, ...(parent && { parent }) });
      for (const inner of blocks) {
        if (inner.StartAt) graph.edges.push({ from: name, to: inner.StartAt, kind: 'branch' });
        addBlock(graph, inner, after, group);
      }
      // The branches' ends join where the state goes next; draw the state's own edge only when it has no branches.
      if (blocks.every((inner) => !inner.StartAt)) graph.edges.push({ from: name, to: after, kind: 'next' });
    } else if (state.Next) {
      graph.edges.push({ from: name, to: state.Next, kind: 'next' });
    } else if (state.End || TERMINAL_TYPES.has(state.Type ?? '')) {
      graph.edges.push({ from: name, to: exit, kind: parent ? 'join' : 'next' });
    }
    for (const handler of state.Catch ?? []) {
      if (handler.Next) graph.edges.push({ from: name, to: handler.Next, kind: 'catch', label: (handler.ErrorEquals ?? []).join(', ') });
    }
  }
}

/** `$.status == "PAID"`, shortened: the Variable and its first comparison operator. */
function describeChoice(choice: Record<string, unknown>): string {
  const variable = typeof choice.Variable === 'string' ? choice.Variable : '';
  const operator = Object.keys(choice).find((key) => key !== 'Variable' && key !== 'Next');
  if (!operator) return variable;
  const value = choice[operator];
  return `${variable} ${operator} ${typeof value === 'object' ? '…' : JSON.stringify(value)}`.trim();
}

/** Whether the run went along an edge: both ends were entered, and a Catch edge only from a state that caught. */
export function edgeTaken(edge: GraphEdge, statusOf: (id: string) => NodeStatus | undefined): boolean {
  const from = statusOf(edge.from);
  const to = statusOf(edge.to);
  const entered = (status: NodeStatus | undefined) => status !== undefined && status !== 'NOT_STARTED';
  const fromEntered = edge.from === START || entered(from);
  const toEntered = edge.to === END ? from === 'SUCCEEDED' || from === 'FAILED' || from === 'CAUGHT' : entered(to);
  if (edge.kind === 'catch') return from === 'CAUGHT' && toEntered;
  return fromEntered && toEntered;
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedGroup extends GraphGroup {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends GraphEdge {
  points: Array<{ x: number; y: number }>;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  groups: PlacedGroup[];
}

const NODE_HEIGHT = 28;
const TERMINAL_SIZE = 18;

/** Node width for a label in the UI's 11 px font, without measuring text (no DOM here). */
export function nodeWidth(node: GraphNode): number {
  return node.id === START || node.id === END ? TERMINAL_SIZE : Math.max(80, Math.round(node.id.length * 6.4) + 18);
}

/** Positions from dagre, top to bottom; Parallel / Map bodies as compound clusters. */
export function layoutGraph(graph: StateGraph): Layout {
  const g = new graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 14, ranksep: 30, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const group of graph.groups) g.setNode(group.id, { width: 0, height: 0, paddingTop: 22 });
  for (const group of graph.groups) if (group.parent) g.setParent(group.id, group.parent);
  for (const node of graph.nodes) {
    const terminal = node.id === START || node.id === END;
    g.setNode(node.id, { width: nodeWidth(node), height: terminal ? TERMINAL_SIZE : NODE_HEIGHT });
    if (node.parent) g.setParent(node.id, node.parent);
  }
  // Edges to states the definition does not declare (a typo in Next) would make dagre invent a node: leave them out.
  const known = new Set(graph.nodes.map((node) => node.id));
  const edges = graph.edges.filter((edge) => known.has(edge.from) && known.has(edge.to));
  edges.forEach((edge, index) => g.setEdge(edge.from, edge.to, { minlen: 1, weight: edge.kind === 'catch' ? 1 : 2 }, String(index)));
  layout(g);

  const box = (id: string) => {
    const { x = 0, y = 0, width, height } = g.node(id);
    return { x: x - width / 2, y: y - height / 2, width, height };
  };
  const label = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    nodes: graph.nodes.map((node) => ({ ...node, ...box(node.id) })),
    groups: graph.groups.map((group) => ({ ...group, ...box(group.id) })),
    edges: edges.map((edge, index) => {
      const placed = g.edge(edge.from, edge.to, String(index)) as { points?: Array<{ x: number; y: number }> } | undefined;
      return { ...edge, points: (placed?.points ?? []).map(({ x, y }) => ({ x, y })) };
    }),
  };
}
