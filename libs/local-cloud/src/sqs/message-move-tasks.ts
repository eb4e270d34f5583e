import { randomUUID } from 'node:crypto';
import { invalidParameterValue, resourceNotFound } from './errors';

/**
 * Dead-letter queue redrive (StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 * A task moves the messages the DLQ holds when it starts, to DestinationArn or else back to the queue each
 * message was dead-lettered from; the moving itself is done by the `move` callback the service gives.
 */

export interface MoveTask {
  taskHandle: string;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  approximateNumberOfMessagesMoved: number;
  approximateNumberOfMessagesToMove: number;
  failureReason?: string;
  startedTimestamp: number;
}

export interface MoveTaskRun {
  /** Ids of the messages to move, taken when the task starts. */
  messageIds: string[];
  /** Moves one message; false when it is gone or in flight (skipped); throws to fail the task. */
  move(messageId: string): boolean;
}

const MAX_MESSAGES_PER_SECOND = 500;

export class MessageMoveTasks {
  private readonly tasks: MoveTask[] = [];

  start(sourceArn: string, destinationArn: string | undefined, maxNumberOfMessagesPerSecond: number | undefined, run: MoveTaskRun): MoveTask {
    if (this.tasks.some((task) => task.sourceArn === sourceArn && task.status === 'RUNNING')) {
      throw invalidParameterValue('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    if (maxNumberOfMessagesPerSecond !== undefined && !(maxNumberOfMessagesPerSecond >= 1 && maxNumberOfMessagesPerSecond <= MAX_MESSAGES_PER_SECOND)) {
      throw invalidParameterValue(`MaxNumberOfMessagesPerSecond must be from 1 to ${MAX_MESSAGES_PER_SECOND}.`);
    }
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      status: 'RUNNING',
      sourceArn,
      destinationArn,
      maxNumberOfMessagesPerSecond,
      approximateNumberOfMessagesMoved: 0,
      approximateNumberOfMessagesToMove: run.messageIds.length,
      startedTimestamp: Date.now(),
    };
    this.tasks.push(task);
    void this.execute(task, run);
    return task;
  }

  /** Most recent first, as the API lists them. */
  list(sourceArn: string, maxResults = 1): MoveTask[] {
    if (!(maxResults >= 1 && maxResults <= 10)) throw invalidParameterValue('MaxResults must be from 1 to 10.');
    return this.tasks.filter((task) => task.sourceArn === sourceArn).reverse().slice(0, maxResults);
  }

  cancel(taskHandle: string): MoveTask {
    const task = this.tasks.find((candidate) => candidate.taskHandle === taskHandle);
    if (!task || task.status !== 'RUNNING') throw resourceNotFound('Task does not exist or is not running.');
    task.status = 'CANCELLING';
    return task;
  }

  /** Ends every running task (the emulator is stopping). */
  cancelAll(): void {
    for (const task of this.tasks) if (task.status === 'RUNNING') task.status = 'CANCELLING';
  }

  private async execute(task: MoveTask, run: MoveTaskRun): Promise<void> {
    // MaxNumberOfMessagesPerSecond is an explicit API value, so it is paced in real time (not timeScale).
    const pauseMs = task.maxNumberOfMessagesPerSecond ? 1000 / task.maxNumberOfMessagesPerSecond : 0;
    try {
      for (const messageId of run.messageIds) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        if (task.status !== 'RUNNING') break;
        if (run.move(messageId)) task.approximateNumberOfMessagesMoved++;
      }
      task.status = task.status === 'RUNNING' ? 'COMPLETED' : 'CANCELLED';
    } catch (error) {
      task.status = 'FAILED';
      task.failureReason = error instanceof Error ? error.message : String(error);
    }
  }
}
