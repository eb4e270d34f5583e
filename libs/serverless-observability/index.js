// @ts-check
'use strict';
/**
 * Serverless Framework plugin: what every deployable template of the shop is watched with, decided in one place.
 *
 * - CloudWatch alarms, to one SNS topic, for every dead-letter / poison / failed-sagas queue, rule, state machine and
 *   asynchronous consumer the compiled template holds (src/alarms.js): read from the template, so a resource added
 *   later is watched too.
 * - Logging (level ERROR, no execution data, a log group with a retention) and X-Ray tracing of every state machine
 *   (src/state-machines.js).
 * - The X-Ray permissions actively traced functions need in their own roles (src/tracing-permissions.js).
 *
 * serverless.yml:
 *   plugins: [..., '@shop/serverless-observability']
 *   custom:
 *     observability:
 *       alarmTopicArn: !ImportValue shop-event-bus-${sls:stage}-AlarmTopicArn
 *       stateMachineLogRetentionInDays: 30               # optional, 30 by default
 */
const { alarmsFor, sweepAlarmsFor } = require('./src/alarms');
const { applyLoggingAndTracing, DEFAULT_RETENTION_IN_DAYS } = require('./src/state-machines');
const { grantTracing } = require('./src/tracing-permissions');

const SETTINGS = 'custom.observability';

class ServerlessObservability {
  /**
   * @param {any} serverless
   * @param {unknown} _options
   * @param {{ log?: { verbose: (line: string) => void } }} [utils]
   */
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log;
    serverless.configSchemaHandler?.defineCustomProperties({
      type: 'object',
      properties: {
        observability: {
          type: 'object',
          properties: { alarmTopicArn: {}, stateMachineLogRetentionInDays: { type: 'integer', minimum: 1 } },
          required: ['alarmTopicArn'],
          additionalProperties: false,
        },
      },
    });
    this.hooks = {
      // After serverless-step-functions read its options (package:initialize), before it compiles them.
      'before:package:compileFunctions': () => this.configureStateMachines(),
      // Once everything is in the template (serverless.yml's own resources are merged in aws:package:finalize) and
      // serverless-iam-roles-per-function made its roles (before:package:finalize), just before the template is saved.
      'before:aws:package:finalize:saveServiceState': () => this.completeTemplate(),
    };
  }

  /** @returns {{ alarmTopicArn: unknown, stateMachineLogRetentionInDays: number }} */
  settings() {
    const settings = this.serverless.service.custom?.observability;
    if (!settings || settings.alarmTopicArn === undefined || settings.alarmTopicArn === null || settings.alarmTopicArn === '') {
      throw new Error(`${SETTINGS}.alarmTopicArn is required: the SNS topic every alarm notifies (services/event-bus exports it)`);
    }
    const retention = settings.stateMachineLogRetentionInDays ?? DEFAULT_RETENTION_IN_DAYS;
    if (!Number.isInteger(retention) || retention < 1) {
      throw new Error(`${SETTINGS}.stateMachineLogRetentionInDays must be a positive whole number of days, not ${JSON.stringify(retention)}`);
    }
    return { alarmTopicArn: settings.alarmTopicArn, stateMachineLogRetentionInDays: retention };
  }

  get resources() {
    return this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
  }

  get stackName() {
    return this.serverless.getProvider('aws').naming.getStackName();
  }

  configureStateMachines() {
    const stateMachines = this.serverless.service.stepFunctions?.stateMachines ?? {};
    const logGroups = applyLoggingAndTracing(stateMachines, { stackName: this.stackName, retentionInDays: this.settings().stateMachineLogRetentionInDays });
    this.add(logGroups);
  }

  completeTemplate() {
    const { alarmTopicArn } = this.settings();
    const roles = grantTracing(this.resources);
    const alarms = { ...alarmsFor(this.resources, { topicArn: alarmTopicArn, namePrefix: this.stackName }), ...sweepAlarmsFor(this.resources, { topicArn: alarmTopicArn, namePrefix: this.stackName }) };
    this.add(alarms);
    this.log?.verbose(`observability: ${Object.keys(alarms).length} alarms, X-Ray permissions for ${roles.length} roles`);
  }

  /** @param {Record<string, unknown>} resources */
  add(resources) {
    for (const [id, resource] of Object.entries(resources)) {
      if (this.resources[id]) throw new Error(`@shop/serverless-observability would replace the template's resource ${id}`);
      this.resources[id] = resource;
    }
  }
}

module.exports = ServerlessObservability;
