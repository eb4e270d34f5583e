import { AwsError } from '../errors';

/**
 * SQS errors with their API code (the JSON protocol's `__type`, the SDK's exception class) and their legacy
 * query code (the `x-amzn-query-error` header the SDK maps errors by, and the code the query protocol answers):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html and each action's Errors.
 */
const sqsError = (code: string, message: string, status = 400, queryCode = code) => new AwsError(code, message, status, queryCode);

export const queueDoesNotExist = () =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue');

export const queueNameExists = (name: string) =>
  sqsError('QueueNameExists', `A queue already exists with the same name (${name}) and a different value for an attribute.`, 400, 'QueueAlreadyExists');

export const receiptHandleIsInvalid = (handle: string) =>
  sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);

export const messageNotInflight = () =>
  sqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.', 400, 'AWS.SimpleQueueService.MessageNotInflight');

export const invalidParameterValue = (message: string) => sqsError('InvalidParameterValue', message);

export const missingParameter = (name: string) => sqsError('MissingParameter', `The request must contain the parameter ${name}.`);

export const invalidAttributeName = (name: string) => sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);

export const invalidAttributeValue = (name: string, reason: string) =>
  sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}. Reason: ${reason}`);

export const invalidMessageContents = (reason: string) => sqsError('InvalidMessageContents', reason);

export const emptyBatchRequest = () =>
  sqsError('EmptyBatchRequest', 'There should be at least one entry in the request.', 400, 'AWS.SimpleQueueService.EmptyBatchRequest');

export const tooManyEntriesInBatchRequest = (count: number) =>
  sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${count}.`, 400, 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest');

export const batchEntryIdsNotDistinct = (id: string) =>
  sqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, 400, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct');

export const invalidBatchEntryId = () =>
  sqsError(
    'InvalidBatchEntryId',
    'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    400,
    'AWS.SimpleQueueService.InvalidBatchEntryId',
  );

export const batchRequestTooLong = (limit: number) =>
  sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${limit} bytes.`, 400, 'AWS.SimpleQueueService.BatchRequestTooLong');

export const purgeQueueInProgress = (name: string) =>
  sqsError(
    'PurgeQueueInProgress',
    `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
    403,
    'AWS.SimpleQueueService.PurgeQueueInProgress',
  );

export const resourceNotFound = (message: string) => sqsError('ResourceNotFoundException', message, 404);

export const unsupportedOperation = (message: string) =>
  sqsError('UnsupportedOperation', message, 400, 'AWS.SimpleQueueService.UnsupportedOperation');
