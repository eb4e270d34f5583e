import { useMemo } from 'preact/hooks';
import type { StateRunView } from '../api-types';
import { truncate } from './format';
import { buildGraph, edgeTaken, END, layoutGraph, START, type PlacedEdge, type PlacedNode } from '../graph';

interface Props {
  definition: unknown;
  states: Record<string, StateRunView>;
  selected?: string;
  onSelect: (state: string) => void;
}

function path(points: Array<{ x: number; y: number }>): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');
}

/** The execution as its state machine's graph: the path taken coloured by status; a state's input/output on click. */
export function SagaGraph({ definition, states, selected, onSelect }: Props) {
  const layout = useMemo(() => layoutGraph(buildGraph(definition)), [JSON.stringify(definition)]);
  const statusOf = (id: string) => states[id]?.status;
  return (
    // Shrinks to fit its panel, but no further than stays readable; past that the panel scrolls.
    <svg
      class="saga-graph"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      style={{ minWidth: `${Math.round(layout.width * 0.8)}px` }}
      role="img"
      aria-label="Execution graph"
    >
      <defs>
        {['plain', 'taken'].map((kind) => (
          <marker key={kind} id={`arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class={`arrowhead ${kind}`} />
          </marker>
        ))}
      </defs>
      {layout.groups.map((group) => (
        <g key={group.id} class="group">
          <rect x={group.x} y={group.y} width={group.width} height={group.height} rx={6} />
          <text x={group.x + 8} y={group.y + 14}>
            {group.label}
          </text>
        </g>
      ))}
      {layout.edges.map((edge, index) => (
        <Edge key={index} edge={edge} taken={edgeTaken(edge, statusOf)} />
      ))}
      {layout.nodes.map((node) => (
        <Node key={node.id} node={node} run={states[node.id]} selected={node.id === selected} onSelect={onSelect} />
      ))}
    </svg>
  );
}

function Edge({ edge, taken }: { edge: PlacedEdge; taken: boolean }) {
  const middle = edge.points[Math.floor(edge.points.length / 2)];
  return (
    <g class={`edge ${edge.kind} ${taken ? 'taken' : ''}`}>
      <path d={path(edge.points)} marker-end={`url(#arrow-${taken ? 'taken' : 'plain'})`} />
      {edge.label && middle && edge.kind !== 'default' && (
        <text x={middle.x + 4} y={middle.y - 3}>
          {truncate(edge.label, 28)}
        </text>
      )}
    </g>
  );
}

function Node({ node, run, selected, onSelect }: { node: PlacedNode; run?: StateRunView; selected: boolean; onSelect: (state: string) => void }) {
  if (node.id === START || node.id === END) {
    const r = node.width / 2;
    return (
      <g class={`terminal ${node.id === START ? 'start' : 'end'}`}>
        <circle cx={node.x + r} cy={node.y + r} r={r} />
      </g>
    );
  }
  const status = run?.status ?? 'NOT_STARTED';
  return (
    <g
      class={`node ${status.toLowerCase()} ${selected ? 'selected' : ''}`}
      data-state={node.id}
      data-status={status}
      onClick={() => onSelect(node.id)}
      role="button"
      aria-label={`${node.id} ${status}`}
    >
      <title>{`${node.id} (${node.type}): ${status}${run?.retries ? `, ${run.retries} retries` : ''}`}</title>
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx={4} />
      <text x={node.x + node.width / 2} y={node.y + node.height / 2 + 1} class="name">
        {node.id}
      </text>
      {run && run.retries > 0 && (
        <text x={node.x + node.width - 4} y={node.y + 10} class="retries">
          ↻{run.retries}
        </text>
      )}
    </g>
  );
}
