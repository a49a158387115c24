/**
 * The application shell: language (Ant Design, dayjs and our strings together), header with the
 * language switch, navigation (a side menu on wide screens, a drawer on phones) and the page.
 */
import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Button, ConfigProvider, Drawer, Layout, Menu, Segmented, type MenuProps } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import dayjs from 'dayjs';
import 'dayjs/locale/vi';
import { I18nContext, initialLang, rememberLang, translator, useI18n, type I18n, type Lang } from './i18n.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { UnitsPage } from './pages/UnitsPage.js';
import { Link, useLocation } from './router.js';

const ANTD_LOCALES = { vi: viVN, en: enUS } as const;

const THEME = {
  token: {
    colorPrimary: '#0b57d0',
    colorLink: '#0b57d0',
    borderRadius: 6,
    fontFamily: "'Segoe UI', Roboto, 'Noto Sans', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#0b3d91', headerHeight: 56, headerPadding: '0 16px', siderBg: '#ffffff', bodyBg: '#f3f5f9', footerBg: '#f3f5f9' },
    // Ant Design's default greys are below 4.5:1 on the page background.
    Breadcrumb: { linkColor: '#0b57d0', linkHoverColor: '#083f99', itemColor: '#4a5263', separatorColor: '#4a5263', lastItemColor: '#1f2533' },
    Descriptions: { labelColor: '#4a5263' },
  },
};

/** Side menu from Ant Design's `md` breakpoint up; a drawer below. */
const WIDE = '(min-width: 768px)';

/** Whether a media query matches, from the first render on (no flash of the wrong layout). */
function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

/** Pages by path; the units browser is also the start page. */
function pageOf(pathname: string): { key: string; page: ReactNode } {
  if (pathname === '/' || pathname === '/units') return { key: 'units', page: <UnitsPage /> };
  return { key: '', page: <NotFoundPage /> };
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
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
      <ConfigProvider locale={ANTD_LOCALES[lang]} theme={THEME}>
        <Shell />
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

function Shell() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const { key, page } = pageOf(pathname);
  const wide = useMediaQuery(WIDE);
  const [drawerOpen, setDrawerOpen] = useState(false);

  useEffect(() => {
    document.title = `${key === 'units' ? t('units.title') : t('notFound.title')} — motcua`;
  }, [key, t]);

  const items: MenuProps['items'] = [{ key: 'units', label: <Link href="/units">{t('nav.units')}</Link> }];
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
