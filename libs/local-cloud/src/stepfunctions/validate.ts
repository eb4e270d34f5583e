import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { AwsError } from '../errors';
import { isObject, walkStates, type AslDefinition, type StateInfo } from './asl';
import { parseTaskResource, SUPPORTED_RESOURCES } from './resources';
import type { StateMachineType } from './types';

/**
 * Definition checks at CreateStateMachine / UpdateStateMachine / ValidateStateMachineDefinition: the
 * Amazon States Language schema (asl-validator, through the engine), then what the local engine cannot run,
 * each reported with a location the way Step Functions reports its diagnostics.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html
 */


export interface Diagnostic {
  severity: 'ERROR';
  code: string;
  message: string;
  location?: string;
}

const JSONPATH_ONLY =
  'the local Step Functions engine (aws-local-stepfunctions) supports JSONPath only: JSONata (QueryLanguage, Arguments, Output, Condition, Items) and Variables (Assign) are not supported';
const JSONATA_FIELDS = ['Arguments', 'Output', 'Assign', 'Items'];
const DISTRIBUTED_MAP_FIELDS = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Label'];

const diagnostic = (code: string, message: string, location?: string): Diagnostic => ({ severity: 'ERROR', code, message, location });

export function checkDefinition(text: unknown, type: StateMachineType): { definition?: AslDefinition; diagnostics: Diagnostic[] } {
  if (typeof text !== 'string') return { diagnostics: [diagnostic('SCHEMA_VALIDATION_FAILED', 'The definition must be a string')] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { diagnostics: [diagnostic('INVALID_JSON_DESCRIPTION', (error as Error).message)] };
  }
  if (!isObject(parsed)) return { diagnostics: [diagnostic('SCHEMA_VALIDATION_FAILED', 'The definition must be a JSON object')] };
  const diagnostics = [...jsonataDiagnostics(parsed), ...schemaDiagnostics(parsed)];
  if (diagnostics.length === 0) walkStates(parsed, (info) => diagnostics.push(...stateDiagnostics(info, type)));
  return diagnostics.length === 0 ? { definition: parsed as AslDefinition, diagnostics } : { diagnostics };
}

/** The parsed definition, or an InvalidDefinition error listing every problem. */
export function parseDefinition(text: unknown, type: StateMachineType): AslDefinition {
  const { definition, diagnostics } = checkDefinition(text, type);
  if (definition) return definition;
  const details = diagnostics.map((d) => `${d.code}: ${d.message}${d.location ? ` at ${d.location}` : ''}`).join(', ');
  throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: '${details}'`);
}

function jsonataDiagnostics(definition: Record<string, any>): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (definition.QueryLanguage === 'JSONata') found.push(diagnostic('UNSUPPORTED_FEATURE', JSONPATH_ONLY, '/QueryLanguage'));
  walkStates(definition, ({ state, location }) => {
    if (state.QueryLanguage === 'JSONata') found.push(diagnostic('UNSUPPORTED_FEATURE', JSONPATH_ONLY, `${location}/QueryLanguage`));
    for (const field of JSONATA_FIELDS) {
      if (state[field] !== undefined) found.push(diagnostic('UNSUPPORTED_FEATURE', JSONPATH_ONLY, `${location}/${field}`));
    }
    // Choice rules and catchers have their own JSONata fields.
    for (const field of ['Choices', 'Catch']) {
      const rules: unknown[] = Array.isArray(state[field]) ? state[field] : [];
      if (rules.some((rule) => isObject(rule) && ['Condition', 'Output', 'Assign'].some((key) => rule[key] !== undefined))) {
        found.push(diagnostic('UNSUPPORTED_FEATURE', JSONPATH_ONLY, `${location}/${field}`));
      }
    }
  });
  return found;
}

/** asl-validator's findings, as the engine reports them ("State machine definition is invalid, see error(s) below:\n CODE: text"). */
function schemaDiagnostics(definition: Record<string, any>): Diagnostic[] {
  try {
    // Validation only: the machine that runs is compiled separately (compile.ts).
    new StateMachine(definition as StateMachineDefinition);
    return [];
  } catch (error) {
    const lines = (error as Error).message.split('\n').slice(1).map((line) => line.trim()).filter(Boolean);
    return lines.map((line) => {
      const match = /^([A-Z_]+): (.*)$/.exec(line);
      return match ? diagnostic(match[1]!, match[2]!) : diagnostic('SCHEMA_VALIDATION_FAILED', line);
    });
  }
}

function stateDiagnostics({ state, location, type: stateType }: StateInfo, type: StateMachineType): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (stateType === 'Map') {
    const distributed = DISTRIBUTED_MAP_FIELDS.filter((field) => state[field] !== undefined);
    if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED' || distributed.length > 0) {
      found.push(diagnostic('UNSUPPORTED_FEATURE', 'a Distributed Map is not supported by the local Step Functions engine: use an inline Map', location));
    }
  }
  if (stateType !== 'Task') return found;
  const expressRefusal = type === 'EXPRESS' ? expressUnsupported(state.Resource) : undefined;
  const resource = parseTaskResource(state.Resource);
  if (expressRefusal) {
    found.push(diagnostic('SCHEMA_VALIDATION_FAILED', expressRefusal, `${location}/Resource`));
  } else if (!resource) {
    found.push(
      diagnostic(
        'SCHEMA_VALIDATION_FAILED',
        `The resource provided ${String(state.Resource)} is not recognized by the local Step Functions emulator (it runs ${SUPPORTED_RESOURCES})`,
        `${location}/Resource`,
      ),
    );
  }
  // States Language spec, Task state: "HeartbeatSeconds ... MUST be smaller than TimeoutSeconds".
  if (typeof state.HeartbeatSeconds === 'number' && typeof state.TimeoutSeconds === 'number' && state.HeartbeatSeconds >= state.TimeoutSeconds) {
    found.push(diagnostic('SCHEMA_VALIDATION_FAILED', 'HeartbeatSeconds must be smaller than TimeoutSeconds', `${location}/HeartbeatSeconds`));
  }
  return found;
}

/**
 * Express workflows run the Request Response pattern only: no Run a Job (`.sync`, `.sync:2`), no Wait for Callback
 * (`.waitForTaskToken`), and no activities.
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
 */
function expressUnsupported(resource: unknown): string | undefined {
  if (typeof resource !== 'string') return undefined;
  const pattern = /\.(waitForTaskToken|sync)(:\d+)?$/.exec(resource)?.[1];
  if (pattern) return `Express state machine does not support '.${pattern}' service integration`;
  if (/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:/.test(resource)) return 'Express state machine does not support activities';
  return undefined;
}
