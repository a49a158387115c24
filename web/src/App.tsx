/**
 * The application shell: language (Ant Design, dayjs and our strings together), header with the
 * language switch, navigation (a side menu on wide screens, a drawer on phones) and the page.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button, ConfigProvider, Drawer, Layout, Menu, Popover, Segmented, type MenuProps } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import { UnitName } from './components/UnitName.js';
import { todayInVietnam } from './dates.js';
import { I18nContext, initialLang, rememberLang, translator, useI18n, type I18n, type Lang, type MessageKey } from './i18n.js';
import { CitizenPage } from './pages/CitizenPage.js';
import { CitizensPage } from './pages/CitizensPage.js';
import { deskMenuItems, deskPageOf } from './pages/desk/index.js';
import { CitizenHeaderLink, eidMenuItems, eidPageOf } from './pages/eid/index.js';
import { ImportPage } from './pages/ImportPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { reportsMenuItems, reportsPageOf } from './pages/reports/index.js';
import { servicesMenuItems, servicesPageOf } from './pages/services/index.js';
import { SignInPage } from './pages/SignInPage.js';
import { ssoMenuItems, ssoPageOf } from './pages/sso/index.js';
import { UnitsPage } from './pages/UnitsPage.js';
import { Link, navigate, useLocation } from './router.js';
import { SessionProvider, useSession } from './session.js';
import { useMediaQuery, WIDE } from './useMediaQuery.js';

const ANTD_LOCALES = { vi: viVN, en: enUS } as const;

const THEME = {
  token: {
    colorPrimary: '#0b57d0',
    // Hover and pressed shades keep white text at 4.5:1 or more (Ant Design derives lighter ones).
    colorPrimaryHover: '#0847b0',
    colorPrimaryActive: '#063a8f',
    colorLink: '#0b57d0',
    colorLinkHover: '#083f99',
    borderRadius: 6,
    // Ant Design's greys for placeholders, hints, counters and "optional" marks are below 4.5:1 on white.
    colorTextPlaceholder: '#6b7280',
    colorTextDescription: '#4a5263',
    colorTextTertiary: '#5c6475',
    fontFamily: "'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#0b3d91', headerHeight: 56, headerPadding: '0 16px', siderBg: '#ffffff', bodyBg: '#f3f5f9', footerBg: '#f3f5f9' },
    // Ant Design's default greys are below 4.5:1 on the page background.
    Breadcrumb: { linkColor: '#0b57d0', linkHoverColor: '#083f99', itemColor: '#4a5263', separatorColor: '#4a5263', lastItemColor: '#1f2533' },
    Descriptions: { labelColor: '#4a5263' },
  },
};

/** WCAG 2.3.3: people who ask their system for less motion get none (Ant Design's `motion` token). */
const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';
const STILL_THEME = { ...THEME, token: { ...THEME.token, motion: false } };

const CITIZEN_KEY = /^\/citizens\/([0-9]{12}|[0-9a-f-]{36})$/;

/**
 * Pages by path, with the menu entry they belong to and their title; the units browser is also the
 * start page.
 */
function pageOf(pathname: string): { key: string; title: MessageKey; page: ReactNode } {
  if (pathname === '/' || pathname === '/units') return { key: 'units', title: 'units.title', page: <UnitsPage /> };
  if (pathname === '/sign-in') return { key: 'sign-in', title: 'signIn.title', page: <SignInPage /> };
  if (pathname === '/citizens') return { key: 'citizens', title: 'citizens.title', page: <CitizensPage /> };
  const record = CITIZEN_KEY.exec(pathname);
  // Keyed by the record, so that opening another one starts afresh.
  if (record) return { key: 'citizens', title: 'record.title', page: <CitizenPage key={record[1]} citizenKey={record[1]!} /> };
  if (pathname === '/imports') return { key: 'imports', title: 'imports.title', page: <ImportPage /> };
  const desk = deskPageOf(pathname);
  if (desk) return desk;
  const reports = reportsPageOf(pathname);
  if (reports) return reports;
  const services = servicesPageOf(pathname);
  if (services) return services;
  const eid = eidPageOf(pathname);
  if (eid) return eid;
  const sso = ssoPageOf(pathname);
  if (sso) return sso;
  return { key: '', title: 'notFound.title', page: <NotFoundPage /> };
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const still = useMediaQuery(REDUCED_MOTION);
  const i18n = useMemo<I18n>(
    () => ({
      lang,
      t: translator(lang),
      setLang: (next) => {
        rememberLang(next);
        setLangState(next);
      },
    }),
    [lang],
  );

  // dayjs holds its locale globally: set it before Ant Design renders dates in this language.
  dayjs.locale(lang === 'vi' ? 'vi' : 'en');
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  return (
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={ANTD_LOCALES[lang]} theme={still ? STILL_THEME : THEME}>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

function Shell() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const session = useSession();
  const { key, title, page } = pageOf(pathname);
  const wide = useMediaQuery(WIDE);
  const [drawerOpen, setDrawerOpen] = useState(false);

  useEffect(() => {
    document.title = `${t(title)} — motcua`;
  }, [title, t]);

  // Menu entries by permission: a page the officer may not use is not offered.
  const items: MenuProps['items'] = [
    ...(session.can('citizen.read') ? [{ key: 'citizens', label: <Link href="/citizens">{t('nav.citizens')}</Link> }] : []),
    ...(session.can('citizen.import') ? [{ key: 'imports', label: <Link href="/imports">{t('nav.imports')}</Link> }] : []),
    { key: 'units', label: <Link href="/units">{t('nav.units')}</Link> },
    ...reportsMenuItems(t, session.can),
    ...servicesMenuItems(t, session.can, session.citizen.account !== undefined),
    ...deskMenuItems(t, session.can),
    ...eidMenuItems(t, session),
    ...ssoMenuItems(t, session.can),
    // On a phone the header has no room for it: staff sign in from a menu entry there, named as
    // theirs (citizens have theirs under the e-ID account group; a trial took this one for it).
    ...(!wide && !session.staff ? [{ key: 'sign-in', label: <Link href="/sign-in">{t('nav.staffSignIn')}</Link> }] : []),
  ];
  const menu = <Menu mode="inline" style={{ borderInlineEnd: 'none' }} selectedKeys={[key]} items={items} onClick={() => setDrawerOpen(false)} />;

  return (
    <Layout className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Layout.Header className="shell-header">
        {!wide && (
          <Button type="text" className="menu-button" aria-label={t('nav.open')} aria-expanded={drawerOpen} onClick={() => setDrawerOpen(true)}>
            <MenuIcon />
          </Button>
        )}
        <Link href="/" className="brand">
          {t('app.title')}
        </Link>
        <LanguageSwitch compact={!wide} />
        {session.staff ? <Account compact={!wide} /> : session.citizen.account ? wide && <CitizenHeaderLink name={session.citizen.account.fullName} /> : wide && key !== 'sign-in' && session.state.status !== 'loading' && (
          <Link href="/sign-in" className="header-link">
            {t('nav.signIn')}
          </Link>
        )}
      </Layout.Header>
      <Layout hasSider={wide}>
        {wide && (
          <Layout.Sider width={232} className="shell-sider">
            <nav aria-label={t('nav.label')}>{menu}</nav>
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Content id="main" tabIndex={-1} className="shell-content">
            {page}
          </Layout.Content>
          <Layout.Footer className="shell-footer">{t('app.footer')}</Layout.Footer>
        </Layout>
      </Layout>
      {!wide && (
        <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)} placement="left" size={280} title={t('app.title')} styles={{ body: { padding: 8 } }}>
          <nav aria-label={t('nav.label')}>{menu}</nav>
        </Drawer>
      )}
    </Layout>
  );
}

/**
 * The signed-in officer (name, role, unit) and the sign-out button; on narrow screens behind a
 * button with the officer's initial.
 */
function Account({ compact }: { compact: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  const [open, setOpen] = useState(false);
  const staff = session.staff!;
  const role = t(`role.${staff.role}`);
  // The unit by name as on the date its code refers to (codes were reused in the 2025 reform).
  const unit = staff.unitCode ? <UnitName code={staff.unitCode} at={staff.unitDate ?? todayInVietnam()} short /> : t('account.wholeSystem');
  const signOut = async () => {
    setOpen(false);
    await session.signOut();
    navigate('/sign-in');
  };
  const signOutButton = (
    <Button size="small" className="sign-out" onClick={signOut}>
      {t('account.signOut')}
    </Button>
  );
  if (compact) {
    return (
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger="click"
        placement="bottomRight"
        content={
          <div className="account-popover">
            <div className="account-name">{staff.displayName}</div>
            <div className="muted">{role}</div>
            <div className="muted">{unit}</div>
            {signOutButton}
          </div>
        }
      >
        <Button shape="circle" className="account-button" aria-label={t('account.menu', { name: staff.displayName })} aria-expanded={open}>
          {staff.displayName.trim().charAt(0).toUpperCase()}
        </Button>
      </Popover>
    );
  }
  return (
    <div className="account">
      <div className="account-text">
        <span className="account-name">{staff.displayName}</span>
        <span className="account-meta">
          {role} · {unit}
        </span>
      </div>
      {signOutButton}
    </div>
  );
}

/** Tiếng Việt / English; on narrow screens the labels shorten to VI / EN. */
function LanguageSwitch({ compact }: { compact: boolean }) {
  const { lang, t, setLang } = useI18n();
  const option = (value: Lang, full: string, short: string) => ({
    value,
    label: compact ? (
      <span lang={value}>
        <span aria-hidden="true">{short}</span>
        <span className="visually-hidden">{full}</span>
      </span>
    ) : (
      <span lang={value}>{full}</span>
    ),
  });
  return (
    <Segmented<Lang>
      className="lang-switch"
      aria-label={t('lang.label')}
      value={lang}
      onChange={setLang}
      options={[option('vi', 'Tiếng Việt', 'VI'), option('en', 'English', 'EN')]}
    />
  );
}

function MenuIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d="M2 4h16M2 10h16M2 16h16" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
