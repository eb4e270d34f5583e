/**
 * Checks every state machine definition with the two Amazon States Language validators: AWS's own language service
 * (amazon-states-language-service, the one behind the AWS Toolkit's and Workflow Studio's diagnostics) and
 * asl-validator (the ASL JSON schemas, JSONPath syntax and Resource ARNs). serverless-step-functions writes each
 * definition as a DefinitionString of Fn::Sub / Fn::Join over the functions' ARNs: it is resolved first, with
 * placeholder ARNs.
 */
import aslValidator from 'asl-validator';
import { DiagnosticSeverity, getLanguageService, TextDocument } from 'amazon-states-language-service';
import { resolve } from '../../libs/local-cloud/src/cloudformation/intrinsics';
import type { CfnTemplate, PlaceholderContext } from './placeholders';

const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';

const languageService = getLanguageService({});

/** The definition as Step Functions would receive it. */
export function stateMachineDefinition(properties: Record<string, unknown>, ctx: PlaceholderContext): unknown {
  if (properties.Definition !== undefined) return resolve(properties.Definition, ctx);
  const text = resolve(properties.DefinitionString, ctx);
  if (typeof text !== 'string') throw new Error(`DefinitionString resolves to ${typeof text}, not a string`);
  return JSON.parse(text);
}

/** Every error and warning both validators report on one definition. */
export async function definitionErrors(definition: unknown): Promise<string[]> {
  const errors: string[] = [];
  const text = JSON.stringify(definition, null, 2);
  const document = TextDocument.create('file:///definition.asl.json', 'json', 0, text);
  const diagnostics = await languageService.doValidation(document, languageService.parseJSONDocument(document), { comments: 'error', trailingCommas: 'error' });
  const lines = text.split('\n');
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning) {
      errors.push(`amazon-states-language-service: ${d.message} (at ${lines[d.range.start.line]!.trim().slice(0, 60)})`);
    }
  }
  // asl-validator writes a default QueryLanguage into the states it is given.
  const validation = aslValidator(structuredClone(definition));
  for (const e of validation.errors) errors.push(`asl-validator: ${e['Error code']} ${e.Message}`);
  return errors;
}

/** Checks the template's state machines; answers how many it checked. */
export async function checkStateMachines(stackName: string, template: CfnTemplate, ctx: PlaceholderContext, errors: string[]): Promise<number> {
  let checked = 0;
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== STATE_MACHINE) continue;
    checked++;
    try {
      for (const e of await definitionErrors(stateMachineDefinition(resource.Properties ?? {}, ctx))) errors.push(`${stackName} ${logicalId}: ${e}`);
    } catch (error) {
      errors.push(`${stackName} ${logicalId}: the definition cannot be read: ${(error as Error).message}`);
    }
  }
  return checked;
}
