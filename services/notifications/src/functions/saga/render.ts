import type { NotificationRequest } from '../../domain/notification-request';
import { renderEmail, type RenderedEmail } from '../../domain/render';

/** Saga step Render: the saga input → subject, text and HTML. */
export const handler = async (request: NotificationRequest): Promise<RenderedEmail> => renderEmail(request);
