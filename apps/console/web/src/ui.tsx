import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError } from './api';

export function Message({ kind, children }: { kind: 'error' | 'info' | 'success'; children: ComponentChildren }) {
  return (
    <p class={`message ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export function ErrorMessage({ error }: { error: Error | null }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.message} (${error.code})` : error.message;
  return <Message kind="error">{text}</Message>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** The page heading; also the document title. */
export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · Klantcentraal`;
  }, [title]);
  return (
    <div class="page-header">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: ComponentChildren }) {
  return (
    <div class="stat card">
      <span class="stat-label">{label}</span>
      <span class="stat-value">{value}</span>
      {hint ? <span class="stat-hint">{hint}</span> : null}
    </div>
  );
}

export function Badge({ code, children }: { code: string; children?: ComponentChildren }) {
  return <span class={`badge badge-${code}`}>{children ?? code}</span>;
}
