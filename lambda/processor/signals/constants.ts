/** Where Smartcar's signal reference starts; each group's page is this plus the group in lower case. */
export const SIGNALS_REFERENCE_URL = 'https://smartcar.com/docs/api-reference/signals/';
