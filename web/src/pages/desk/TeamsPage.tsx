/**
 * Support teams of the officer's unit (`/desk/teams`, `?team=` for one): the teams (Tổ hỗ trợ dịch
 * vụ công trực tuyến) with their lead organisation, and a team's members — staff accounts and
 * volunteers with their organisation — with each member's duty calendar (.ics file, or a secret
 * address a phone calendar subscribes to).
 */
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { todayInVietnam } from '../../dates.js';
import { downloadFromApi } from '../../download.js';
import { useI18n } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useRemote } from '../../useRemote.js';
import { useMediaQuery, WIDE } from '../../useMediaQuery.js';
import { addMember, createTeam, getTeam, issueFeed, listTeams, memberCalendarPath, updateMember, type Member, type MemberInput, type Team, type TeamDetail } from './api.js';
import { DeskPage, formatDate, FormModal, labelOf, LoadError, MEMBER_KINDS, optionsOf, ORGANISATIONS } from './common.js';
import { UnitName } from '../../components/UnitName.js';

export function TeamsPage() {
  return (
    <DeskPage permission="desk.manage" title="desk.teams.title" intro="desk.teams.intro">
      <Teams />
    </DeskPage>
  );
}

const PHONE = /^0[35789][0-9]{8}$/;
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

function Teams() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const [version, setVersion] = useState(0);
  const [creating, setCreating] = useState(false);
  const teams = useRemote(`teams:${version}:${lang}`, (signal) => listTeams({ lang, signal }));
  const asked = Number(search.get('team'));
  const items = teams.data?.items ?? [];
  const current = items.find((x) => x.id === asked) ?? items[0];

  const columns: TableColumnsType<Team> = [
    {
      key: 'name',
      title: t('desk.teams.col.name'),
      render: (_, team) => (
        <Link href={hrefOf('/desk/teams', { team: String(team.id) })} className="person-name" aria-current={team.id === current?.id ? 'true' : undefined}>
          {team.name}
        </Link>
      ),
    },
    { key: 'lead', title: t('desk.teams.col.lead'), render: (_, team) => labelOf(ORGANISATIONS, team.leadOrganisation, lang), responsive: ['sm'] },
    { key: 'founded', title: t('desk.teams.col.founded'), render: (_, team) => formatDate(team.foundedOn), responsive: ['md'] },
    { key: 'unit', title: t('desk.col.unit'), render: (_, team) => <span className="number">{team.unitCode}</span>, responsive: ['lg'] },
    { key: 'members', title: t('desk.teams.col.members'), align: 'end', render: (_, team) => <span className="number">{team.memberCount}</span> },
  ];

  return (
    <>
      <LoadError error={teams.error} onRetry={teams.retry} />
      <div className="desk-toolbar">
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('desk.teams.add')}
        </Button>
      </div>
      <Table<Team>
        className="unit-table desk-table"
        caption={t('desk.teams.caption', { total: teams.data?.total ?? 0 })}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={teams.loading}
        pagination={false}
        rowClassName={(team) => (team.id === current?.id ? 'desk-row-selected' : '')}
        onRow={(team) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && navigate(hrefOf('/desk/teams', { team: String(team.id) })) })}
        locale={{ emptyText: teams.loading ? ' ' : <p className="empty">{t('desk.teams.empty')}</p> }}
      />
      {current && <TeamCard key={current.id} id={current.id} version={version} onChanged={() => setVersion((n) => n + 1)} />}
      <FormModal<{ name: string; foundedOn?: Dayjs; leadOrganisation: Team['leadOrganisation']; note?: string }>
        title={t('desk.teams.add')}
        name="desk-team"
        open={creating}
        onClose={() => setCreating(false)}
        initialValues={{ leadOrganisation: 'youth_union' }}
        onSubmit={async (v) => {
          const team = await createTeam({ name: v.name.trim(), foundedOn: v.foundedOn?.format('YYYY-MM-DD') ?? null, leadOrganisation: v.leadOrganisation, note: v.note?.trim() || null }, { lang });
          setVersion((n) => n + 1);
          navigate(hrefOf('/desk/teams', { team: String(team.id) }));
        }}
      >
        <Form.Item name="name" label={t('desk.teams.name')} rules={[{ required: true, whitespace: true, message: t('desk.required') }]}>
          <Input maxLength={200} placeholder={t('desk.teams.namePlaceholder')} autoComplete="off" />
        </Form.Item>
        <Form.Item name="leadOrganisation" label={t('desk.teams.lead')} rules={[{ required: true, message: t('desk.required') }]}>
          <Select options={optionsOf(ORGANISATIONS, lang)} />
        </Form.Item>
        <Form.Item name="foundedOn" label={t('desk.teams.founded')}>
          <DatePicker format="DD/MM/YYYY" />
        </Form.Item>
        <Form.Item name="note" label={t('desk.note')}>
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
      </FormModal>
    </>
  );
}

function TeamCard({ id, version, onChanged }: { id: number; version: number; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const wide = useMediaQuery(WIDE);
  const team = useRemote(`team:${id}:${version}:${lang}`, (signal) => getTeam(id, { lang, signal }));
  const [adding, setAdding] = useState(false);
  const [feed, setFeed] = useState<{ member: Member; url: string }>();
  const [actionError, setActionError] = useState<unknown>();
  const today = todayInVietnam();

  if (team.error) return <ProblemAlert error={team.error} onRetry={team.retry} />;
  const data: TeamDetail | undefined = team.data;

  const act = async (work: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await work();
    } catch (err) {
      setActionError(err);
    }
  };
  const left = (m: Member) => m.leftOn !== null && m.leftOn < today;

  const actions = (m: Member) => (
    <Space wrap size={[4, 4]} className="desk-actions">
      <Button size="small" onClick={() => act(() => downloadFromApi(memberCalendarPath(m.id), `lich-truc-${m.id}.ics`, { lang }))} aria-label={t('desk.members.icsOf', { name: m.fullName })}>
        {t('desk.members.ics')}
      </Button>
      <Button
        size="small"
        onClick={() =>
          act(async () => {
            const { path } = await issueFeed(m.id, { lang });
            setFeed({ member: m, url: `${window.location.origin}${path}` });
            onChanged();
          })
        }
        aria-label={t('desk.members.feedOf', { name: m.fullName })}
      >
        {t('desk.members.feed')}
      </Button>
      {!left(m) && (
        <Popconfirm title={t('desk.members.leaveConfirm', { name: m.fullName })} okText={t('desk.members.leave')} cancelText={t('desk.cancel')} onConfirm={() => act(async () => { await updateMember(m.id, { leftOn: today }, { lang }); onChanged(); })}>
          <Button size="small" danger className="desk-danger" aria-label={t('desk.members.leaveOf', { name: m.fullName })}>
            {t('desk.members.leave')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );

  const columns: TableColumnsType<Member> = [
    {
      key: 'name',
      title: t('desk.members.col.name'),
      render: (_, m) => (
        <>
          <span className="person-name">{m.fullName}</span>
          {m.username && <div className="muted">{t('desk.members.account', { username: m.username })}</div>}
          {!wide && (
            <div className="muted">
              {labelOf(ORGANISATIONS, m.organisation, lang)}
              {m.phone && <span className="number"> · {m.phone}</span>}
            </div>
          )}
          {left(m) && <Tag className="desk-tag-muted">{t('desk.members.leftOn', { date: formatDate(m.leftOn) })}</Tag>}
          {!wide && <div className="desk-actions-under">{actions(m)}</div>}
        </>
      ),
    },
    { key: 'kind', title: t('desk.members.col.kind'), render: (_, m) => labelOf(MEMBER_KINDS, m.kind, lang), responsive: ['lg'] },
    { key: 'org', title: t('desk.members.col.organisation'), render: (_, m) => labelOf(ORGANISATIONS, m.organisation, lang), responsive: ['md'] },
    { key: 'phone', title: t('desk.members.col.phone'), render: (_, m) => <span className="number">{m.phone ?? ''}</span>, responsive: ['md'] },
    { key: 'joined', title: t('desk.members.col.joined'), render: (_, m) => formatDate(m.joinedOn), responsive: ['xl'] },
    // On a phone the actions go under the name (their own column is hidden there).
    { key: 'actions', title: t('desk.col.actions'), responsive: ['md'], render: (_, m) => actions(m) },
  ];

  return (
    <Card className="import-card desk-card" loading={!data} title={<h2 className="card-heading">{data?.name ?? t('desk.teams.title')}</h2>}>
      {data && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3 }} className="desk-descriptions" items={[
            { key: 'unit', label: t('desk.col.unit'), span: 'filled', children: (
                <span>
                  <UnitName code={data.unitCode} at={data.unitDate} />
                </span>
              ) },
            { key: 'lead', label: t('desk.teams.lead'), children: labelOf(ORGANISATIONS, data.leadOrganisation, lang) },
            { key: 'founded', label: t('desk.teams.founded'), children: data.foundedOn ? formatDate(data.foundedOn) : t('record.notRecorded') },
            { key: 'count', label: t('desk.teams.col.members'), children: data.memberCount },
            ...(data.note ? [{ key: 'note', label: t('desk.note'), children: data.note }] : []),
          ]} />
          {actionError !== undefined && <ProblemAlert error={actionError} />}
          <div className="desk-toolbar">
            <h3 className="section-heading">{t('desk.members.title')}</h3>
            <Button type="primary" onClick={() => setAdding(true)}>
              {t('desk.members.add')}
            </Button>
          </div>
          <Table<Member>
            className="desk-table desk-members"
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={data.members}
            pagination={false}
            rowClassName={(m) => (left(m) ? 'desk-row-left' : '')}
            locale={{ emptyText: <p className="empty">{t('desk.members.empty')}</p> }}
          />
        </>
      )}
      <MemberModal open={adding} teamId={id} onClose={() => setAdding(false)} onAdded={onChanged} />
      <Modal open={feed !== undefined} title={t('desk.members.feedTitle', { name: feed?.member.fullName ?? '' })} onCancel={() => setFeed(undefined)} footer={<Button onClick={() => setFeed(undefined)}>{t('desk.close')}</Button>}>
        <p>{t('desk.members.feedHint')}</p>
        <Typography.Paragraph copyable={{ text: feed?.url, tooltips: [t('desk.copy'), t('desk.copied')] }} className="desk-feed-url">
          <code>{feed?.url}</code>
        </Typography.Paragraph>
        <Alert type="warning" showIcon title={t('desk.members.feedWarning')} />
      </Modal>
    </Card>
  );
}

interface MemberValues {
  kind: MemberInput['kind'];
  username?: string;
  fullName?: string;
  phone?: string;
  organisation: MemberInput['organisation'];
  joinedOn?: Dayjs;
}

function MemberModal({ open, teamId, onClose, onAdded }: { open: boolean; teamId: number; onClose: () => void; onAdded: () => void }) {
  const { t, lang } = useI18n();
  return (
    <FormModal<MemberValues>
      title={t('desk.members.add')}
      name="desk-member"
      open={open}
      onClose={onClose}
      initialValues={{ kind: 'volunteer', organisation: 'youth_union' }}
      onSubmit={async (v) => {
        await addMember(
          teamId,
          {
            kind: v.kind,
            ...(v.kind === 'staff' && v.username ? { username: v.username.trim() } : {}),
            ...(v.fullName?.trim() ? { fullName: v.fullName.trim() } : {}),
            phone: v.phone?.trim() || null,
            organisation: v.organisation,
            joinedOn: v.joinedOn?.format('YYYY-MM-DD') ?? null,
          },
          { lang },
        );
        onAdded();
      }}
    >
      <Form.Item name="kind" label={t('desk.members.kind')}>
        <Radio.Group optionType="button" buttonStyle="solid" options={[{ value: 'volunteer', label: labelOf(MEMBER_KINDS, 'volunteer', lang) }, { value: 'staff', label: labelOf(MEMBER_KINDS, 'staff', lang) }]} />
      </Form.Item>
      <Form.Item noStyle dependencies={['kind']}>
        {({ getFieldValue }) =>
          getFieldValue('kind') === 'staff' ? (
            <>
              <Form.Item name="username" label={t('desk.members.username')} rules={[{ required: true, message: t('desk.required') }, { pattern: USERNAME, message: t('desk.members.usernameInvalid') }]}>
                <Input maxLength={64} autoComplete="off" autoCapitalize="none" spellCheck={false} placeholder="canbo.camhoang" />
              </Form.Item>
              <Form.Item name="fullName" label={t('desk.members.fullName')} extra={t('desk.members.fullNameStaffHint')}>
                <Input maxLength={100} autoComplete="off" />
              </Form.Item>
            </>
          ) : (
            <Form.Item name="fullName" label={t('desk.members.fullName')} rules={[{ required: true, whitespace: true, message: t('desk.required') }]}>
              <Input maxLength={100} autoComplete="off" />
            </Form.Item>
          )
        }
      </Form.Item>
      <Form.Item name="organisation" label={t('desk.members.col.organisation')} rules={[{ required: true, message: t('desk.required') }]}>
        <Select options={optionsOf(ORGANISATIONS, lang)} />
      </Form.Item>
      <Form.Item name="phone" label={t('desk.members.col.phone')} rules={[{ pattern: PHONE, message: t('desk.members.phoneInvalid') }]}>
        <Input inputMode="tel" maxLength={10} autoComplete="off" placeholder="0912345678" />
      </Form.Item>
      <Form.Item name="joinedOn" label={t('desk.members.col.joined')}>
        <DatePicker format="DD/MM/YYYY" />
      </Form.Item>
    </FormModal>
  );
}
