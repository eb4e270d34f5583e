// @ts-check
'use strict';

/** The logical id of the role the framework makes for every function without one of its own. */
const SHARED_ROLE = 'IamRoleLambdaExecution';

/**
 * Whether anything but the resource itself names the logical id (Ref, Fn::GetAtt, Fn::Sub, DependsOn): a whole-word
 * match in the rest of the template, so that `GetPaymentIamRoleLambdaExecution` does not count for `IamRoleLambdaExecution`.
 * @param {{ Resources: Record<string, unknown>, Outputs?: Record<string, unknown> }} template
 * @param {string} logicalId
 */
function isReferenced(template, logicalId) {
  const { [logicalId]: _self, ...others } = template.Resources;
  const text = JSON.stringify({ others, outputs: template.Outputs ?? {} });
  return new RegExp(`(?<![A-Za-z0-9])${logicalId}(?![A-Za-z0-9])`).test(text);
}

/**
 * Removes the resource when the template has it and nothing refers to it; answers whether it did.
 * @param {{ Resources: Record<string, unknown>, Outputs?: Record<string, unknown> }} template
 * @param {string} logicalId
 */
function removeUnusedRole(template, logicalId) {
  if (!template.Resources[logicalId] || isReferenced(template, logicalId)) return false;
  delete template.Resources[logicalId];
  return true;
}

module.exports = { isReferenced, removeUnusedRole, SHARED_ROLE };
