// @ts-check
'use strict';

/**
 * The logical ids a CloudFormation value refers to through Ref or Fn::GetAtt, at any depth.
 * @param {unknown} node
 * @returns {string[]}
 */
function referencedIds(node) {
  if (Array.isArray(node)) return node.flatMap(referencedIds);
  if (!node || typeof node !== 'object') return [];
  const object = /** @type {Record<string, unknown>} */ (node);
  if (typeof object.Ref === 'string') return [object.Ref];
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
  if (typeof getAtt === 'string') return [getAtt.split('.')[0] ?? getAtt];
  return Object.values(object).flatMap(referencedIds);
}

/**
 * The values found under the given keys, at any depth of a resource's properties (e.g. every DeadLetterConfig).
 * @param {unknown} node
 * @param {ReadonlySet<string>} keys
 * @returns {unknown[]}
 */
function valuesUnder(node, keys) {
  if (Array.isArray(node)) return node.flatMap((item) => valuesUnder(item, keys));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (keys.has(key) ? [value] : valuesUnder(value, keys)));
}

module.exports = { referencedIds, valuesUnder };
