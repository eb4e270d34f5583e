import { detailTypes, type DetailType } from '@shop/events';
import { compilePattern } from '../../libs/local-cloud/src/eventbridge/pattern';
import { asEventBridgeEvent, samples } from './samples';
import { contracts, onAwsServiceEvents, resourcesOfType } from './services';

/** Every detail-type's examples and generated samples, as EventBridge delivers them to rules. */
const events = detailTypes.flatMap((detailType) => samples(detailType, 20).map((detail) => ({ detailType, event: asEventBridgeEvent(detailType, detail) })));

describe.each(contracts.map((c) => [c.service, c] as const))('subscriptions of %s', (service, contract) => {
  const rules = resourcesOfType(service, 'AWS::Events::Rule').filter(([, rule]) => !onAwsServiceEvents(rule)).map(([id, rule]) => ({
    id,
    rule,
    matches: compilePattern(rule.Properties.EventPattern),
    claims: (contract.subscriptions[id] ?? []) as readonly DetailType[],
  }));

  it('declares a rule for each subscription and a subscription for each rule', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(contract.subscriptions).sort());
  });

  it.each(rules.map((r) => [r.id, r] as const))('%s sits on the shared bus and matches no detail-type its consumer does not claim', (_, { rule, matches, claims }) => {
    expect(rule.Properties.EventBusName).toEqual({ 'Fn::ImportValue': 'shop-event-bus-dev-EventBusName' });
    const unclaimed = [...new Set(events.filter((e) => matches(e.event) && !claims.includes(e.detailType)).map((e) => e.detailType))];
    expect(unclaimed).toEqual([]);
    for (const detailType of claims) expect({ detailType, matchedSome: events.some((e) => e.detailType === detailType && matches(e.event)) }).toEqual({ detailType, matchedSome: true });
  });

  it('routes every event of a claimed detail-type to exactly one of its rules (content filters partition, never overlap or drop)', () => {
    const claimed = new Set(rules.flatMap((r) => r.claims));
    for (const { detailType, event } of events.filter((e) => claimed.has(e.detailType))) {
      const matchedBy = rules.filter((r) => r.claims.includes(detailType) && r.matches(event)).map((r) => r.id);
      expect({ detailType, total: (event.detail as any).data?.total, matchedBy: matchedBy.length }).toEqual({ detailType, total: (event.detail as any).data?.total, matchedBy: 1 });
    }
  });
});
