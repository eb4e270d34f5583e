import type { Cloud } from '../cloud';
import { allowAll, type Authorize } from '../iam/request-guard';
import type { TargetDeliveries } from '../eventbridge/delivery';
import type { RestRequest, RestResponse } from '../protocol';
import { restJsonService, type RestRoute } from '../schemas/rest-json';
import { SchedulerService } from './scheduler-service';

// The HTTP bindings of the Scheduler API (service model `scheduler-2021-06-30`, as the AWS SDK sends them).
const SCHEDULE = '/schedules/{Name}';

export const SCHEDULER_ROUTES: RestRoute[] = [
  { operation: 'CreateSchedule', method: 'POST', path: SCHEDULE, status: 200 },
  { operation: 'UpdateSchedule', method: 'PUT', path: SCHEDULE, status: 200 },
  { operation: 'GetSchedule', method: 'GET', path: SCHEDULE, status: 200, query: { groupName: 'GroupName' } },
  { operation: 'DeleteSchedule', method: 'DELETE', path: SCHEDULE, status: 200, query: { groupName: 'GroupName' } },
  {
    operation: 'ListSchedules',
    method: 'GET',
    path: '/schedules',
    status: 200,
    query: { ScheduleGroup: 'GroupName', NamePrefix: 'NamePrefix', State: 'State', NextToken: 'NextToken', MaxResults: 'MaxResults' },
    integers: ['MaxResults'],
  },
];

export interface SchedulerRestService {
  signingName: 'scheduler';
  service: SchedulerService;
  handle(request: RestRequest): Promise<RestResponse>;
}

/** EventBridge Scheduler as a REST-JSON service for `server.registerRestService`. */
export function createSchedulerRestService(cloud: Cloud, deliveries: TargetDeliveries, authorize: Authorize = allowAll): SchedulerRestService {
  const service = new SchedulerService(cloud, deliveries);
  const handle = restJsonService({
    routes: SCHEDULER_ROUTES,
    dispatch: async (operation, input) => {
      authorize(operation, input);
      return service.dispatch(operation, input);
    },
    // Scheduler errors carry a `Message` member.
    errorBody: (error) => ({ Message: error.message }),
  });
  return { signingName: 'scheduler', service, handle };
}
