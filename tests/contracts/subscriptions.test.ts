import { catalog, detailTypes, type DetailType } from '@shop/events';
import { compilePattern } from '../../libs/local-cloud/src/eventbridge/pattern';
import { contracts, resourcesOfType } from './services';

/** Each catalogue example as EventBridge delivers it to rules. */
const examples = detailTypes.flatMap((detailType) =>
  catalog[detailType].examples.map((detail) => ({
    detailType,
    event: {
      version: '0', id: '6a7b8c9d-0000-4000-8000-000000000000', 'detail-type': detailType, source: catalog[detailType]['x-amazon-events-source'],
      account: '123456789012', time: '2026-11-23T12:00:00Z', region: 'us-east-1', resources: [], detail,
    },
  })),
);

describe.each(contracts.map((c) => [c.service, c] as const))('subscriptions of %s', (service, contract) => {
  const rules = resourcesOfType(service, 'AWS::Events::Rule');

  it('declares a rule for each subscription and a subscription for each rule', () => {
    expect(rules.map(([id]) => id).sort()).toEqual(Object.keys(contract.subscriptions).sort());
  });

  it.each(rules.map(([id, rule]) => [id, rule] as const))('%s sits on the shared bus and matches exactly the events its consumer claims', (id, rule) => {
    expect(rule.Properties.EventBusName).toEqual({ 'Fn::ImportValue': 'shop-event-bus-dev-EventBusName' });
    const matches = compilePattern(rule.Properties.EventPattern);
    const matched = [...new Set(examples.filter((e) => matches(e.event)).map((e) => e.detailType))].sort();
    expect(matched).toEqual([...(contract.subscriptions[id] as readonly DetailType[])].sort());
  });
});
