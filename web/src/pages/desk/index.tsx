/**
 * The one-stop desk's pages (`/desk/…`) and their menu entries, for the application shell: the
 * quick help entry and the roster for whoever records help (`desk.help-log`), teams, sites and
 * equipment, campaigns and imports for whoever runs the desk (`desk.manage`).
 */
import type { ReactNode } from 'react';
import type { MenuProps } from 'antd';
import type { MessageKey, Translate } from '../../i18n.js';
import { Link } from '../../router.js';
import type { Permission } from '../../session.js';
import { CampaignsPage } from './CampaignsPage.js';
import { DeskImportsPage } from './DeskImportsPage.js';
import { HelpPage } from './HelpPage.js';
import { RosterPage } from './RosterPage.js';
import { SitesPage } from './SitesPage.js';
import { TeamsPage } from './TeamsPage.js';

interface DeskRoute {
  path: string;
  key: string;
  nav: MessageKey;
  title: MessageKey;
  permission: Permission;
  page: () => ReactNode;
}

const ROUTES: DeskRoute[] = [
  { path: '/desk/help', key: 'desk-help', nav: 'nav.desk.help', title: 'desk.help.title', permission: 'desk.help-log', page: () => <HelpPage /> },
  { path: '/desk/roster', key: 'desk-roster', nav: 'nav.desk.roster', title: 'desk.roster.title', permission: 'desk.help-log', page: () => <RosterPage /> },
  { path: '/desk/teams', key: 'desk-teams', nav: 'nav.desk.teams', title: 'desk.teams.title', permission: 'desk.manage', page: () => <TeamsPage /> },
  { path: '/desk/sites', key: 'desk-sites', nav: 'nav.desk.sites', title: 'desk.sites.title', permission: 'desk.manage', page: () => <SitesPage /> },
  { path: '/desk/campaigns', key: 'desk-campaigns', nav: 'nav.desk.campaigns', title: 'desk.campaigns.title', permission: 'desk.manage', page: () => <CampaignsPage /> },
  { path: '/desk/imports', key: 'desk-imports', nav: 'nav.desk.imports', title: 'desk.imports.title', permission: 'desk.manage', page: () => <DeskImportsPage /> },
];

/** The desk page of a path, with its menu key and title; undefined for any other path. */
export function deskPageOf(pathname: string): { key: string; title: MessageKey; page: ReactNode } | undefined {
  const route = ROUTES.find((r) => r.path === pathname);
  return route && { key: route.key, title: route.title, page: route.page() };
}

/** The desk's menu group with the entries the officer may use (none: no group). */
export function deskMenuItems(t: Translate, can: (p: Permission) => boolean): NonNullable<MenuProps['items']> {
  const entries = ROUTES.filter((r) => can(r.permission)).map((r) => ({ key: r.key, label: <Link href={r.path}>{t(r.nav)}</Link> }));
  return entries.length === 0 ? [] : [{ type: 'group' as const, key: 'desk', label: t('nav.desk'), children: entries }];
}
