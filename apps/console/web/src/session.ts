import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Role = 'ingest' | 'analyst' | 'sales' | 'auditor' | 'admin';
export type Session = { keyName: string; roles: Role[]; accountManager: string | null; contactsMasked: boolean };

export type NavItem = { href: string; label: string; roles: Role[] };

/** Navigation by role (admin sees everything, plus Privacy). */
export const NAV: NavItem[] = [
  { href: '/', label: 'Overview', roles: ['analyst'] },
  { href: '/customers', label: 'Customers', roles: ['analyst', 'sales'] },
  { href: '/feed', label: 'Feed', roles: ['sales'] },
  { href: '/warehouse', label: 'Warehouse', roles: ['analyst'] },
  { href: '/audit', label: 'Audit', roles: ['auditor'] },
  { href: '/privacy', label: 'Privacy', roles: [] },
];

export const can = (session: Session, roles: Role[]): boolean =>
  session.roles.includes('admin') || roles.some((role) => session.roles.includes(role));

export const navFor = (session: Session): NavItem[] => NAV.filter((item) => can(session, item.roles));

export const SessionContext = createContext<Session | null>(null);
export const useSession = (): Session => {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
};
