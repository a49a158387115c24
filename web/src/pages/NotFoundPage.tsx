import { Result } from 'antd';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';

export function NotFoundPage() {
  const { t } = useI18n();
  return <Result status="warning" title={<h1 className="result-title">{t('notFound.title')}</h1>} extra={<Link href="/units">{t('notFound.back')}</Link>} />;
}
