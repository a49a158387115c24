/**
 * "My dossiers" (`/ho-so-cua-toi[?page=]`) for a citizen signed in with their e-ID account
 * (`GET /api/v1/me/dossiers`, src/dossiers/mine.ts, in the citizen's session): their dossiers
 * newest first, one card each — the code linking to the dossier page, the procedure in the UI
 * language, the state, channel, filing time and due date — those awaiting the citizen (returned
 * for completion) flagged with a link to complete them, and how many there are above the list.
 * Cards rather than a table: one column on a 360-pixel phone, two side by side on a laptop.
 */
import { Alert, Pagination, Spin, Tag } from 'antd';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireCitizen } from '../../components/RequireCitizen.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { listMyDossiers, type MyDossierItem } from './api.js';
import { channelLabel, formatDay, formatMoment, PageHead, StateTag } from './common.js';
import './my-dossiers.css';

const PAGE_SIZE = 20;

export function MyDossiersPage() {
  return (
    <RequireCitizen>
      <MyDossiers />
    </RequireCitizen>
  );
}

function MyDossiers() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const asked = Number(search.get('page'));
  const page = Number.isInteger(asked) && asked >= 1 ? asked : 1;
  const remote = useRemote(`${page}|${lang}`, (signal) => listMyDossiers({ page, pageSize: PAGE_SIZE }, { lang, signal }));
  const data = remote.data;

  return (
    <>
      <PageHead title={t('mine.title')} intro={t('mine.intro')} />
      {remote.error !== undefined && <ProblemAlert error={remote.error} onRetry={remote.retry} />}
      {!data && remote.loading && (
        <div className="page-loading" role="status">
          <Spin />
        </div>
      )}
      {data && (
        <>
          {data.awaiting > 0 && <Alert className="mine-awaiting" type="warning" showIcon title={data.awaiting === 1 ? t('mine.awaitingOne') : t('mine.awaiting', { n: data.awaiting.toLocaleString(lang) })} />}
          <h2 className="list-caption">{data.total === 1 ? t('mine.captionOne') : t('mine.caption', { total: data.total.toLocaleString(lang) })}</h2>
          {data.items.length === 0 ? (
            <div className="mine-empty">
              <p>{t('mine.empty')}</p>
              <Link className="link-button link-button-primary" href="/services">
                {t('mine.findService')}
              </Link>
            </div>
          ) : (
            <ul className="mine-list">
              {data.items.map((d) => (
                <li key={d.code}>
                  <MyDossierCard dossier={d} />
                </li>
              ))}
            </ul>
          )}
          {data.total > PAGE_SIZE && (
            <nav aria-label={t('mine.pages')} className="mine-pages">
              <Pagination current={page} pageSize={PAGE_SIZE} total={data.total} showSizeChanger={false} onChange={(p) => navigate(hrefOf('/ho-so-cua-toi', { page: p > 1 ? String(p) : undefined }))} />
            </nav>
          )}
        </>
      )}
    </>
  );
}

function MyDossierCard({ dossier: d }: { dossier: MyDossierItem }) {
  const { t, lang } = useI18n();
  const href = `/dossiers/${d.code}`;
  const headingId = `mine-${d.code}`;
  return (
    <article className={d.actionAwaited ? 'mine-card mine-card-awaited' : 'mine-card'} aria-labelledby={headingId}>
      <div className="mine-card-head">
        <h3 id={headingId} className="mine-code">
          <Link href={href} className="dossier-code">
            {d.code}
          </Link>
        </h3>
        <StateTag state={d.state} t={t} />
      </div>
      <p className="mine-service">
        {lang === 'en' ? (d.serviceNameEn ?? d.serviceName) : d.serviceName} <span className="muted number">({d.serviceCode})</span>
      </p>
      {d.actionAwaited && (
        <div className="mine-awaited">
          <strong>{t('mine.awaited')}</strong>
          <Link className="link-button link-button-primary" href={href} aria-label={t('mine.resubmitFor', { code: d.code })}>
            {t('mine.resubmit')}
          </Link>
        </div>
      )}
      <dl className="mine-facts">
        <div>
          <dt>{t('mine.channel')}</dt>
          <dd>{channelLabel(t, d.channel)}</dd>
        </div>
        <div>
          <dt>{t('mine.submitted')}</dt>
          <dd className="number">{formatMoment(d.submittedAt, lang)}</dd>
        </div>
        <div>
          <dt>{t('mine.due')}</dt>
          <dd>
            {d.dueDate ? <span className={d.overdue ? 'number due-overdue' : 'number'}>{formatDay(d.dueDate)}</span> : <span className="muted">{t('mine.noDueYet')}</span>}
            {d.overdue && <Tag className="tag-overdue">{t('dossiers.overdue')}</Tag>}
            {d.clockPaused && <Tag className="tag-paused">{t('dossiers.paused')}</Tag>}
          </dd>
        </div>
      </dl>
    </article>
  );
}
