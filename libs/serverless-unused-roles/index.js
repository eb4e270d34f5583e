// @ts-check
'use strict';
/**
 * Serverless Framework plugin: removes the framework's shared Lambda role (IamRoleLambdaExecution) when nothing in the
 * template refers to it.
 *
 * With serverless-iam-roles-per-function every function gets a role of its own, but the framework still writes the
 * shared one first (the plugin copies it as the template of each function's role) and leaves it in the stack: a role
 * with log access to every function of the service, and the destinations' grants of each function added to it, that
 * nobody assumes. A function without iamRoleStatements keeps the shared role, and so keeps it in the template: give
 * such a function `iamRoleStatements: []` (a role with its own log access only).
 *
 * serverless.yml: plugins: [..., serverless-iam-roles-per-function, '@shop/serverless-unused-roles']
 */
const { removeUnusedRole, SHARED_ROLE } = require('./src/unused-role');

class ServerlessUnusedRoles {
  /**
   * @param {any} serverless
   * @param {unknown} _options
   * @param {{ log?: { verbose: (line: string) => void } }} [utils]
   */
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log;
    this.hooks = {
      // After serverless-iam-roles-per-function made its roles (before:package:finalize), just before the template is saved.
      'before:aws:package:finalize:saveServiceState': () => this.removeSharedRole(),
    };
  }

  removeSharedRole() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    if (removeUnusedRole(template, SHARED_ROLE)) this.log?.verbose(`unused-roles: removed ${SHARED_ROLE}, which no function uses`);
  }
}

module.exports = ServerlessUnusedRoles;
