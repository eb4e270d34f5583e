// @ts-check
'use strict';
/**
 * Logging and tracing of every state machine, set on serverless-step-functions' own options (its README: "CloudWatch
 * Logs", "X-Ray") before it compiles them, so that it also grants each state machine's role the log-delivery and
 * X-Ray actions these need.
 *
 * Level ERROR and no execution data: the logs say which state failed and why, without the inputs and outputs (they
 * carry customer e-mail addresses). One log group per state machine under /aws/vendedlogs/states/, the prefix AWS
 * recommends so that the account's CloudWatch Logs resource policy does not outgrow its size limit
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html). Fn::GetAtt of a log group's Arn ends with `:*`,
 * as Step Functions requires of a destination
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CloudWatchLogsLogGroup.html).
 */

const LOG_LEVEL = 'ERROR';
const DEFAULT_RETENTION_IN_DAYS = 30;

/**
 * @typedef {{ id?: string, name?: string, loggingConfig?: unknown, tracingConfig?: unknown }} StateMachineConfig
 */

/** @param {string} key */
const logicalPrefix = (key) => `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/[^A-Za-z0-9]/g, '')}StateMachine`;

/**
 * Sets loggingConfig and tracingConfig on each state machine of `stepFunctions.stateMachines` and answers the log
 * groups they write to. A state machine that sets either itself is refused: this is the one place they are decided.
 * @param {Record<string, StateMachineConfig>} stateMachines
 * @param {{ stackName: string, retentionInDays?: number }} options
 * @returns {Record<string, { Type: string, Properties: Record<string, unknown> }>}
 */
function applyLoggingAndTracing(stateMachines, { stackName, retentionInDays = DEFAULT_RETENTION_IN_DAYS }) {
  /** @type {Record<string, { Type: string, Properties: Record<string, unknown> }>} */
  const logGroups = {};
  for (const [key, machine] of Object.entries(stateMachines)) {
    for (const option of /** @type {const} */ (['loggingConfig', 'tracingConfig'])) {
      if (machine[option] !== undefined) {
        throw new Error(`state machine ${key} sets ${option}: @shop/serverless-observability sets it for every state machine, remove it from serverless.yml`);
      }
    }
    const logGroupId = `${machine.id ?? logicalPrefix(key)}LogGroup`;
    logGroups[logGroupId] = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/vendedlogs/states/${machine.name ?? `${stackName}-${key}`}`, RetentionInDays: retentionInDays },
    };
    machine.loggingConfig = { level: LOG_LEVEL, includeExecutionData: false, destinations: [{ 'Fn::GetAtt': [logGroupId, 'Arn'] }] };
    machine.tracingConfig = { enabled: true };
  }
  return logGroups;
}

module.exports = { applyLoggingAndTracing, DEFAULT_RETENTION_IN_DAYS };
