// @ts-check
'use strict';
/**
 * Serverless Framework plugin for `sls offline` against the local AWS (libs/local-cloud).
 *
 * A function's `environment` in serverless.yml holds CloudFormation (Ref, Fn::GetAtt, Fn::ImportValue...) that only
 * a stack can resolve; serverless-offline would hand the handler "[object Object]". The emulator has loaded the
 * packaged template and resolved them, so before offline starts, this plugin replaces each function's environment with
 * the one the emulator holds (Lambda GetFunctionConfiguration at AWS_ENDPOINT_URL). It does nothing in any other
 * command: packaging and deploying are untouched.
 */
class OfflineEnvironmentFromLocalCloud {
  /**
   * @param {any} serverless
   * @param {unknown} _options
   * @param {{ log?: { verbose: (line: string) => void } }} [utils]
   */
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log;
    this.hooks = { 'before:offline:start:init': () => this.applyEnvironment() };
  }

  async applyEnvironment() {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    if (!endpoint) {
      throw new Error(
        'serverless offline here runs against the local AWS: set AWS_ENDPOINT_URL to it. `npm start` at the repository root does all of it (starts the emulator, loads every service, starts serverless offline).',
      );
    }
    // Required here, not at the top: every other sls command loads this plugin too, and has no use for the client.
    const { GetFunctionConfigurationCommand, LambdaClient } = require('@aws-sdk/client-lambda');
    const client = new LambdaClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const service = this.serverless.service;
    try {
      for (const key of service.getAllFunctions()) {
        const definition = service.getFunction(key);
        let variables;
        try {
          ({ Environment: { Variables: variables = {} } = {} } = await client.send(new GetFunctionConfigurationCommand({ FunctionName: definition.name })));
        } catch (error) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          throw new Error(`function ${definition.name} is not loaded in the local AWS at ${endpoint} (${reason}). \`npm start\` loads every packaged service before starting serverless offline.`);
        }
        // The emulator's copy already merges provider.environment into each function's, resolved. Lambda adds the
        // credentials of the function's execution role to it; serverless offline would hand every worker this
        // process's own (AWS_* are copied over), so the emulator's session of the role is set here.
        definition.environment = { ...variables, ...(await functionCredentials(endpoint, definition.name)) };
        this.log?.verbose(`${definition.name}: ${Object.keys(variables).length} environment variables from ${endpoint}`);
      }
      service.provider.environment = {};
    } finally {
      client.destroy();
    }
  }
}

/**
 * The function's credentials as the emulator hands them to it (`GET /_local/lambda/credentials`): AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN of a session of its execution role.
 * @param {string} endpoint
 * @param {string} functionName
 * @returns {Promise<Record<string, string>>}
 */
async function functionCredentials(endpoint, functionName) {
  const response = await fetch(`${endpoint.replace(/\/$/, '')}/_local/lambda/credentials?FunctionName=${encodeURIComponent(functionName)}`);
  if (!response.ok) throw new Error(`the local AWS at ${endpoint} has no credentials for ${functionName}: ${response.status} ${await response.text()}`);
  return /** @type {Record<string, string>} */ (await response.json());
}

module.exports = OfflineEnvironmentFromLocalCloud;
