import { activityType, History, historyEventView } from './history';

describe('History', () => {
  test('numbers events from 1 and links each to the last event of its own scope', () => {
    const history = new History();
    history.add('ExecutionStarted', { input: '{}' }, '');
    const entered = history.add('ParallelStateEntered', { name: 'P' }, '');
    const started = history.add('ParallelStateStarted', undefined, '');
    history.openScope('P#0', started.id);
    history.openScope('P#1', started.id);
    const left = history.add('PassStateEntered', { name: 'A' }, 'P#0');
    const right = history.add('PassStateEntered', { name: 'B' }, 'P#1');
    const leftExit = history.add('PassStateExited', { name: 'A' }, 'P#0');
    const aborted = history.add('ExecutionAborted', {}, '');
    expect(history.events.map((event) => [event.id, event.previousEventId])).toEqual([
      [1, 0],
      [2, 0],
      [3, 2],
      [4, 3],
      [5, 3],
      [6, 4],
      [7, 0],
    ]);
    expect([entered.stateEnteredEventDetails, leftExit.stateExitedEventDetails, aborted.executionAbortedEventDetails]).toEqual([{ name: 'P' }, { name: 'A' }, {}]);
    expect(started).not.toHaveProperty('parallelStateStartedEventDetails');
    expect([left.type, right.type]).toEqual(['PassStateEntered', 'PassStateEntered']);
  });

  test('answers timestamps in epoch seconds, and can leave the execution data out', () => {
    const history = new History();
    const event = history.add('TaskScheduled', { resourceType: 'sqs', resource: 'sendMessage', region: 'us-east-1', parameters: '{"secret":1}' }, '');
    expect(historyEventView(event, true)).toEqual({ ...event, timestamp: event.timestamp / 1000 });
    expect(historyEventView(event, false).taskScheduledEventDetails).toEqual({ resourceType: 'sqs', resource: 'sendMessage', region: 'us-east-1' });
  });
});

test.each([
  ['ExecutionStarted', 'execution.started'],
  ['ExecutionTimedOut', 'execution.timed_out'],
  ['TaskStateEntered', 'state.entered'],
  ['MapStateExited', 'state.exited'],
  ['LambdaFunctionScheduled', 'task.scheduled'],
  ['TaskSubmitted', 'task.submitted'],
  ['TaskTimedOut', 'task.timed_out'],
  ['MapStateStarted', 'map.started'],
  ['ParallelStateFailed', 'parallel.failed'],
  ['MapIterationAborted', 'map.iteration.aborted'],
])('activityType(%s) is %s', (historyType, type) => {
  expect(activityType(historyType)).toBe(type);
});
