import { buildGraph, edgeTaken, END, layoutGraph, START, type GraphEdge, type NodeStatus } from './graph';

const definition = {
  StartAt: 'Publish',
  States: {
    Publish: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:publish', Next: 'Await', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }] },
    Await: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Payment', States: { Payment: { Type: 'Task', Resource: 'x', End: true } } },
        { StartAt: 'Stock', States: { Stock: { Type: 'Task', Resource: 'x', End: true } } },
      ],
      Catch: [{ ErrorEquals: ['PaymentFailed', 'OutOfStock'], Next: 'Failed' }],
      Next: 'Check',
    },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.total', NumericGreaterThan: 100, Next: 'Each' }], Default: 'Done' },
    Each: { Type: 'Map', ItemProcessor: { StartAt: 'Line', States: { Line: { Type: 'Pass', End: true } } }, End: true },
    Done: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'OrderFailed' },
  },
};

const edgeList = (edges: GraphEdge[]) => edges.map((e) => `${e.from} -${e.kind}-> ${e.to}${e.label ? ` [${e.label}]` : ''}`).sort();

describe('the state-machine graph', () => {
  it('has a node per state, inner states in their Parallel / Map group, and Start and End', () => {
    const graph = buildGraph(definition);
    expect(graph.nodes.map((n) => [n.id, n.type, n.parent ?? ''])).toEqual([
      [START, 'Start', ''],
      [END, 'End', ''],
      ['Publish', 'Task', ''],
      ['Await', 'Parallel', ''],
      ['Payment', 'Task', 'Await#inner'],
      ['Stock', 'Task', 'Await#inner'],
      ['Check', 'Choice', ''],
      ['Each', 'Map', ''],
      ['Line', 'Pass', 'Each#inner'],
      ['Done', 'Succeed', ''],
      ['Failed', 'Fail', ''],
    ]);
    expect(graph.groups).toEqual([
      { id: 'Await#inner', state: 'Await', label: 'Await: branches' },
      { id: 'Each#inner', state: 'Each', label: 'Each: each item' },
    ]);
  });

  it('draws Next, Catch, Choices and Default, branches that fork from their state and join at its Next', () => {
    expect(edgeList(buildGraph(definition).edges)).toEqual(
      [
        `${START} -next-> Publish`,
        'Publish -next-> Await',
        'Publish -catch-> Failed [States.ALL]',
        'Await -branch-> Payment',
        'Await -branch-> Stock',
        'Payment -join-> Check',
        'Stock -join-> Check',
        'Await -catch-> Failed [PaymentFailed, OutOfStock]',
        'Check -choice-> Each [$.total NumericGreaterThan 100]',
        'Check -default-> Done [Default]',
        'Each -branch-> Line',
        `Line -join-> ${END}`,
        `Done -next-> ${END}`,
        `Failed -next-> ${END}`,
      ].sort(),
    );
  });

  it('reads the older Map Iterator field and tolerates an empty definition', () => {
    const graph = buildGraph({ StartAt: 'M', States: { M: { Type: 'Map', Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Next: 'Z' }, Z: { Type: 'Succeed' } } });
    expect(edgeList(graph.edges)).toEqual([`${START} -next-> M`, 'I -join-> Z', 'M -branch-> I', `Z -next-> ${END}`].sort());
    expect(buildGraph(undefined)).toEqual({ nodes: [expect.objectContaining({ id: START }), expect.objectContaining({ id: END })], edges: [], groups: [] });
  });

  it('marks the edges a run took: entered at both ends, and a Catch only out of a state that caught', () => {
    const statuses: Record<string, NodeStatus> = { Publish: 'SUCCEEDED', Await: 'CAUGHT', Payment: 'FAILED', Stock: 'SUCCEEDED', Failed: 'FAILED', Check: 'NOT_STARTED' };
    const taken = buildGraph(definition).edges.filter((edge) => edgeTaken(edge, (id) => statuses[id]));
    expect(edgeList(taken)).toEqual(
      [`${START} -next-> Publish`, 'Publish -next-> Await', 'Await -branch-> Payment', 'Await -branch-> Stock', 'Await -catch-> Failed [PaymentFailed, OutOfStock]', `Failed -next-> ${END}`].sort(),
    );
  });

  it('lays it out top to bottom with dagre: every node placed, groups around their states, edges routed', () => {
    const layout = layoutGraph(buildGraph(definition));
    const at = (id: string) => layout.nodes.find((n) => n.id === id)!;
    expect(at(START).y).toBeLessThan(at('Publish').y);
    expect(at('Publish').y).toBeLessThan(at('Await').y);
    expect(at('Await').y).toBeLessThan(at('Payment').y);
    expect(at('Payment').y).toBeLessThan(at('Check').y);
    const group = layout.groups.find((g) => g.id === 'Await#inner')!;
    for (const inner of [at('Payment'), at('Stock')]) {
      expect(inner.x).toBeGreaterThanOrEqual(group.x);
      expect(inner.x + inner.width).toBeLessThanOrEqual(group.x + group.width);
    }
    expect(layout.edges.every((edge) => edge.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.height).toBeGreaterThan(at('Done').y);
  });

  it('leaves out an edge to a state the definition does not declare', () => {
    const layout = layoutGraph(buildGraph({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Typo' } } }));
    expect(layout.nodes.map((n) => n.id)).toEqual([START, END, 'A']);
    expect(layout.edges.map((e) => `${e.from}->${e.to}`)).toEqual([`${START}->A`]);
  });
});
