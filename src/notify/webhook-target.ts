import { LeadsyncError, isLeadsyncError } from '../errors.js';
import { checkUrlShape } from '../sources/ssrf.js';

/**
 * Checks a webhook URL with the service's SSRF rules, without connecting: https to a public
 * address, or any scheme of http(s) to a host in LEADSYNC_ALLOW_HOSTS. Names are checked again
 * at every delivery, on the resolved address (see webhook-sender.ts). Returns the normalised URL.
 */
export function checkWebhookUrl(input: string, allowHosts: readonly string[]): string {
  try {
    return checkUrlShape(input.trim(), allowHosts).toString();
  } catch (error) {
    if (!isLeadsyncError(error)) throw error;
    if (error.code === 'SHEET_URL_INVALID') {
      throw new LeadsyncError('WEBHOOK_URL_INVALID', 'The webhook URL is not a valid URL', { cause: error });
    }
    const reason = typeof error.details?.reason === 'string' ? error.details.reason : error.message;
    throw new LeadsyncError('WEBHOOK_URL_FORBIDDEN', `The webhook URL is not allowed: ${reason}`, {
      cause: error,
      details: error.details,
    });
  }
}
