/**
 * The Amazon States Language shapes this emulation reads, and a walk over every state of a definition,
 * nested Parallel branches and Map processors included.
 */

export type AslState = { Type: string } & Record<string, any>;

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [field: string]: unknown;
}

export interface StateInfo {
  name: string;
  type: string;
  state: AslState;
  /** Location in the definition for diagnostics, e.g. `/States/Fan/Branches/0/States/Charge`. */
  location: string;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The nested state machines of a Parallel or Map state, with their location. */
function childMachines({ state, location }: StateInfo): Array<{ machine: unknown; location: string }> {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    return state.Branches.map((machine: unknown, i: number) => ({ machine, location: `${location}/Branches/${i}` }));
  }
  if (state.Type === 'Map') {
    const field = state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
    return state[field] === undefined ? [] : [{ machine: state[field], location: `${location}/${field}` }];
  }
  return [];
}

/** Visits every state, parents before their children. Tolerates malformed definitions (skips what is not an object). */
export function walkStates(machine: unknown, visit: (info: StateInfo) => void, location = ''): void {
  if (!isObject(machine) || !isObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    const info: StateInfo = { name, type: String(state.Type), state: state as AslState, location: `${location}/States/${name}` };
    visit(info);
    for (const child of childMachines(info)) walkStates(child.machine, visit, child.location);
  }
}

/** Every state by name (names are unique across the whole definition: the validator refuses duplicates). */
export function indexStates(definition: AslDefinition): Map<string, StateInfo> {
  const index = new Map<string, StateInfo>();
  walkStates(definition, (info) => index.set(info.name, info));
  return index;
}
