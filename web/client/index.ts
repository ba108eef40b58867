/** leadsApi: the typed client of the leadsync HTTP API (browser and Node 20). */
export { createLeadsApi, type LeadQuery, type LeadsApi, type LeadsApiOptions } from './leads-api.js';
export { LeadsApiError } from './leads-api-error.js';
export type { Subscription, SubscribeOptions } from './events-subscription.js';
export type * from './api-types.js';
