'use strict';
/**
 * Generated at package time from schemas/ (the single source of truth), so adding a schema file adds its registry
 * resource with no list to keep in step by hand:
 * - one AWS::EventSchemas::Schema per schemas/<domain>/<DetailType>.json (type JSONSchemaDraft4);
 * - one bus-policy statement per producing domain: only that service's roles may put events with its source.
 * Plain CommonJS because the Serverless Framework loads it with require().
 */
const fs = require('node:fs');
const path = require('node:path');

const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', 'schemas');

function schemaFiles() {
  return fs
    .readdirSync(SCHEMAS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      fs
        .readdirSync(path.join(SCHEMAS_DIR, d.name))
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => ({ domain: d.name, file: path.join(SCHEMAS_DIR, d.name, f) })),
    );
}

const logicalId = (text) => text.replace(/[^A-Za-z0-9]/g, '');

function schemas() {
  const resources = {};
  for (const { file } of schemaFiles()) {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
    const detailType = schema['x-amazon-events-detail-type'];
    const source = schema['x-amazon-events-source'];
    resources[`Schema${logicalId(detailType)}`] = {
      Type: 'AWS::EventSchemas::Schema',
      Properties: {
        RegistryName: { 'Fn::GetAtt': ['SchemaRegistry', 'RegistryName'] },
        // source@detail-type, the naming EventBridge schema discovery uses.
        SchemaName: `${source}@${detailType}`,
        Type: 'JSONSchemaDraft4',
        Description: schema.description,
        Content: JSON.stringify(schema),
      },
    };
  }
  return resources;
}

/**
 * Each producing domain gets a Deny: an event with source shop.<domain> may be put only by a role whose name starts
 * with shop-<domain>- (every role of that service's stack is named so). Principals of other accounts are denied.
 * Condition keys: events:source (EventBridge service authorization reference) and the global aws:PrincipalArn /
 * aws:PrincipalAccount keys.
 * Each StatementId starts with shop-<stage>-: CloudFormation takes it as the policy's physical id, which must be unique in
 * the account and region, across buses and stacks (aws/aws-cdk#29627), so a second stage would otherwise fail to create
 * its policies. EventBridge allows 1-64 characters of [a-zA-Z0-9-_]
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html).
 * Called by the framework's ${file(./registry.js):busPolicies} with its variable resolver.
 */
async function busPolicies({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  const statementId = (name) => {
    const id = `shop-${stage}-${name}`;
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(id)) throw new Error(`bus policy StatementId ${id}: at most 64 characters of [a-zA-Z0-9-_] (shorten the stage)`);
    return id;
  };
  const domains = [...new Set(schemaFiles().map((s) => s.domain))];
  const busArn = { 'Fn::GetAtt': ['EventBus', 'Arn'] };
  const resources = {
    BusPolicyThisAccountOnly: {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'EventBus' },
        StatementId: statementId('this-account-only'),
        Statement: {
          Effect: 'Deny',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: busArn,
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
        },
      },
    },
  };
  for (const domain of domains) {
    resources[`BusPolicyOnly${logicalId(domain.replace(/^./, (c) => c.toUpperCase()))}PutsItsSource`] = {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'EventBus' },
        StatementId: statementId(`only-${domain}-puts-its-source`),
        Statement: {
          Effect: 'Deny',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: busArn,
          Condition: {
            StringEquals: { 'events:source': `shop.${domain}` },
            ArnNotLike: { 'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/shop-${domain}-*` } },
          },
        },
      },
    };
  }
  return resources;
}

module.exports = { schemas, busPolicies, schemaFiles };
