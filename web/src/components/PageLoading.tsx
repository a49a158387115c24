import { Spin } from 'antd';

/** The spinner a page shows while its code or data loads, announced to screen readers (`role="status"`) with `label`. */
export function PageLoading({ label }: { label?: string }) {
  return (
    <div className="page-loading" role="status">
      <Spin />
      {label !== undefined && <span>{label}</span>}
    </div>
  );
}
