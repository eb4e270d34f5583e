// @ts-check
'use strict';
/**
 * A function with active tracing sends its trace data to X-Ray with its own role, which needs xray:PutTraceSegments
 * and xray:PutTelemetryRecords (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html). The framework adds
 * them to its shared role only; the roles serverless-iam-roles-per-function makes for each function start from its
 * own statements and lack them.
 */

const XRAY_STATEMENT = { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] };

/** @param {unknown} statement */
const grantsXray = (statement) => {
  const action = /** @type {{ Action?: unknown }} */ (statement)?.Action;
  const actions = Array.isArray(action) ? action : [action];
  return XRAY_STATEMENT.Action.every((a) => actions.includes(a));
};

/**
 * Adds the X-Ray statement to the first inline policy of the role of every actively traced function in the template.
 * @param {Record<string, { Type: string, Properties?: Record<string, any> }>} resources
 * @returns {string[]} the roles it changed
 */
function grantTracing(resources) {
  /** @type {Set<string>} */
  const roles = new Set();
  for (const fn of Object.values(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function' || fn.Properties?.TracingConfig?.Mode !== 'Active') continue;
    const roleId = fn.Properties.Role?.['Fn::GetAtt']?.[0];
    if (typeof roleId === 'string' && resources[roleId]?.Type === 'AWS::IAM::Role') roles.add(roleId);
  }
  const changed = [];
  for (const roleId of [...roles].sort()) {
    const role = /** @type {{ Properties: Record<string, any> }} */ (resources[roleId]);
    const policies = (role.Properties.Policies ??= []);
    if (policies.length === 0) policies.push({ PolicyName: 'xray', PolicyDocument: { Version: '2012-10-17', Statement: [] } });
    const statements = (policies[0].PolicyDocument.Statement ??= []);
    if (statements.some(grantsXray)) continue;
    statements.push(structuredClone(XRAY_STATEMENT));
    changed.push(roleId);
  }
  return changed;
}

module.exports = { grantTracing, XRAY_STATEMENT };
