/**
 * The names the chaos checks read the system by (tables, sagas, the bus), taken from the packaged CloudFormation, as
 * the emulator loads it: in-process and under `npm start` alike, nothing is spelt twice.
 */
import path from 'node:path';
import { readPackagedService } from '../../libs/local-cloud/src';
import { SERVICES_DIR } from '../package-services';

export interface SystemNames {
  bus: string;
  tables: { orders: string; payments: string; provider: string; stock: string; reservations: string; notifications: string };
  sagas: { order: string; payment: string; paymentRelease: string; refund: string; reservation: string; release: string; notification: string };
}

export function systemNames(): SystemNames {
  const templates = new Map<string, Record<string, { Properties?: Record<string, unknown> }>>();
  const property = (service: string, logicalId: string, name: string): string => {
    if (!templates.has(service)) templates.set(service, readPackagedService(path.join(SERVICES_DIR, service)).template.Resources as never);
    const value = templates.get(service)![logicalId]?.Properties?.[name];
    if (typeof value !== 'string') throw new Error(`services/${service}: the packaged template has no literal ${logicalId}.${name} (run npm run package)`);
    return value;
  };
  return {
    bus: property('event-bus', 'EventBus', 'Name'),
    tables: {
      orders: property('orders', 'OrdersTable', 'TableName'),
      payments: property('payments', 'PaymentsTable', 'TableName'),
      provider: property('payments', 'ProviderTable', 'TableName'),
      stock: property('inventory', 'StockTable', 'TableName'),
      reservations: property('inventory', 'ReservationsTable', 'TableName'),
      notifications: property('notifications', 'NotificationsTable', 'TableName'),
    },
    sagas: {
      order: property('orders', 'OrderSaga', 'StateMachineName'),
      payment: property('payments', 'PaymentSaga', 'StateMachineName'),
      paymentRelease: property('payments', 'PaymentReleaseSaga', 'StateMachineName'),
      refund: property('payments', 'RefundSaga', 'StateMachineName'),
      reservation: property('inventory', 'ReservationSaga', 'StateMachineName'),
      release: property('inventory', 'ReleaseSaga', 'StateMachineName'),
      notification: property('notifications', 'NotificationSaga', 'StateMachineName'),
    },
  };
}
