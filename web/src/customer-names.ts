import { useQuery } from '@tanstack/react-query';
import { useApi } from './auth.js';

/** Customers by id (the status list and the notifications carry only ids). */
export function useCustomerNames() {
  const api = useApi();
  return useQuery({
    queryKey: ['customers'],
    queryFn: async () => new Map((await api.listAllCustomers()).map((c) => [c.id, c])),
  });
}
